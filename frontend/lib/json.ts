/** A response's JSON body, or null when it has none or it is not JSON (an HTML error page). */
export async function jsonOrNull(res: Response): Promise<unknown> {
  try {
    return await res.json();
  } catch {
    return null;
  }
}
