import "server-only";
/**
 * What the route handlers under app/api share: validating the browser's input with zod and
 * calling the API for the signed-in user (token refresh, one retry, friendly problems).
 * Cross-site requests never get here: proxy.ts refuses them (lib/same-origin.ts).
 */
import { NextResponse } from "next/server";
import type { z } from "zod";
import { callBackend, type BackendRequest } from "@/lib/backend";
import { config } from "@/lib/config";
import { friendlyError, UNREACHABLE } from "@/lib/errors";
import { jsonOrNull } from "@/lib/json";
import { clearAuthCookies, currentTokens, setSessionCookie } from "@/lib/auth/session";
import { AccountsUnavailable, ReauthRequired, type Tokens } from "@/lib/auth/tokens";
import { NO_STORE, problem } from "@/lib/problem";

export { problem };

export function reauth(): NextResponse {
  const res = problem({
    status: 401,
    title: "Please sign in again",
    detail: "Your Spotify session has ended. Sign in again to continue.",
    code: "reauth",
  });
  clearAuthCookies(res);
  return res;
}

/** Validate browser input; a failure becomes a 400 with the first readable message. */
export function validate<T>(schema: z.ZodType<T>, input: unknown): { ok: true; data: T } | { ok: false; res: NextResponse } {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, data: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length ? `${issue.path.join(".")}: ` : "";
  return {
    ok: false,
    res: problem({ status: 400, title: "Invalid request", detail: `${where}${issue?.message ?? "invalid input"}` }),
  };
}

export async function readJson(req: Request): Promise<unknown> {
  try {
    return await req.json();
  } catch {
    return undefined;
  }
}

function tokenFailure(err: unknown): NextResponse {
  if (err instanceof ReauthRequired) return reauth();
  if (err instanceof AccountsUnavailable) {
    return problem({ status: 503, title: "Spotify is not reachable", detail: "We couldn't reach Spotify. Try again in a moment." });
  }
  throw err;
}

/** The signed-in user's tokens (refreshed when due, or now with `force`), or the response a failure becomes. */
async function signedIn(force = false): Promise<{ tokens: Tokens; rotated: boolean } | NextResponse> {
  try {
    return await currentTokens(force);
  } catch (err) {
    return tokenFailure(err);
  }
}

/**
 * Forward one call to the backend on behalf of the signed-in user: refreshes the access token
 * when due (persisting a rotated refresh token), retries once with a fresh token if the backend
 * says Spotify refused it, and turns every failure into a friendly problem response.
 */
export async function forward<T>(
  request: Omit<BackendRequest<T>, "spotifyToken">,
  opts: { status?: number; transform?: (data: T) => unknown } = {},
): Promise<NextResponse> {
  const session = await signedIn();
  if (session instanceof NextResponse) return session;
  let { tokens, rotated } = session;
  let result = await callBackend({ ...request, spotifyToken: tokens.accessToken });
  if (!result.ok && result.spotifyRejected) {
    const fresh = await signedIn(true);
    if (fresh instanceof NextResponse) return fresh;
    ({ tokens } = fresh);
    rotated = true;
    result = await callBackend({ ...request, spotifyToken: tokens.accessToken });
    if (!result.ok && result.spotifyRejected) return reauth();
  }
  const res = result.ok
    ? NextResponse.json(opts.transform ? opts.transform(result.data) : result.data, {
        status: opts.status ?? result.status,
        headers: NO_STORE,
      })
    : problem(result.error);
  if (rotated) await setSessionCookie(res, tokens);
  return res;
}

/**
 * Stream audio the backend serves (a track's preview clip) to the signed-in user. The browser
 * plays it from this app's origin: it never sees the backend, the service token or where the
 * backend got the clip.
 */
export async function forwardAudio(path: string): Promise<NextResponse> {
  const session = await signedIn();
  if (session instanceof NextResponse) return session;
  const { tokens, rotated } = session;
  const c = config();
  let res: Response;
  try {
    res = await fetch(new URL(path, c.BACKEND_URL), {
      headers: { Authorization: `Bearer ${c.RECOMMENDER_SERVICE_TOKEN}`, Accept: "audio/*" },
      cache: "no-store",
      signal: AbortSignal.timeout(30_000),
    });
  } catch {
    return problem(UNREACHABLE);
  }
  const type = res.headers.get("content-type") ?? "";
  if (!res.ok || !type.startsWith("audio/")) return problem(friendlyError(res.ok ? 502 : res.status, await jsonOrNull(res)));
  const headers: Record<string, string> = { "Content-Type": type, "Cache-Control": "private, max-age=3600" };
  const length = res.headers.get("content-length");
  if (length) headers["Content-Length"] = length;
  const out = new NextResponse(res.body, { status: 200, headers });
  if (rotated) await setSessionCookie(out, tokens);
  return out;
}
