/**
 * Where the browser may be sent after sign-in: only a path on this app's own origin.
 *
 * The candidate comes from the query string (`/login?returnTo=…`), so it is attacker-chosen.
 * Prefix checks on the raw string are not enough: the WHATWG URL parser drops tab, CR and LF
 * anywhere and reads `\` as `/`, so `/\t/evil.example` passes a "starts with `/` but not `//`"
 * test and still resolves to http://evil.example. Instead the candidate is parsed exactly as the
 * browser will parse the Location header, against our origin, and kept only if it stays there.
 */
export const DEFAULT_RETURN_TO = "/library";

/** Longer than any path this app links to; bounds what goes into the sign-in cookie. */
const MAX_LENGTH = 2048;

// C0 controls (incl. tab, CR, LF), DEL and backslash: never in a path we produce, and each is
// something the URL parser rewrites or removes, which is how the tricks above work.
const FORBIDDEN = /[\u0000-\u001f\u007f\\]/;

/**
 * `candidate` as `pathname + search + hash` when it is a same-origin path, else the default.
 * `appOrigin` is this app's public origin (from the configured redirect URI, not the request).
 */
export function safeReturnTo(candidate: string | null | undefined, appOrigin: string): string {
  if (!candidate || candidate.length > MAX_LENGTH || FORBIDDEN.test(candidate)) return DEFAULT_RETURN_TO;
  // Relative paths only: absolute URLs, even to our own origin, are never produced by us.
  if (!candidate.startsWith("/")) return DEFAULT_RETURN_TO;
  let origin: string;
  let url: URL;
  try {
    origin = new URL(appOrigin).origin;
    url = new URL(candidate, origin);
  } catch {
    return DEFAULT_RETURN_TO;
  }
  if (url.origin !== origin) return DEFAULT_RETURN_TO;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Dot segments can normalise `/.//evil.example` to `//evil.example`: a scheme-relative URL
  // to another host once it is resolved again (as the callback does). Never hand that out.
  if (path.startsWith("//")) return DEFAULT_RETURN_TO;
  return path;
}
