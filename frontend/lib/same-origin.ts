/**
 * Cross-site request forgery protection for every state-changing request, applied once in
 * `proxy.ts` (Next's request hook) so a new route handler cannot forget it.
 *
 * SameSite=Lax cookies are not enough on their own: they still ride along with a form POST
 * from a *same-site* page on another origin (another port on 127.0.0.1, a sibling subdomain),
 * and /logout needs no cookie at all to clear them. Browsers say where a request comes from
 * in `Sec-Fetch-Site` and `Origin`, which pages cannot forge; either one pointing elsewhere
 * refuses the request. Requests with neither (curl, scripts) carry no browser's cookies.
 */
import { NextResponse } from "next/server";
import { problem } from "@/lib/problem";

export const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Why the request must be refused, or null when it may go on. */
export function crossSiteRefusal(method: string, headers: Headers, appOrigin: string): string | null {
  if (!STATE_CHANGING.has(method.toUpperCase())) return null;
  const site = headers.get("sec-fetch-site");
  // "none": the user started it (address bar, bookmark); "same-site" is still another origin.
  if (site !== null && site !== "same-origin" && site !== "none") return `Sec-Fetch-Site is ${site}`;
  const origin = headers.get("origin");
  if (origin !== null && !isOurOrigin(origin, appOrigin, headers.get("host"))) return `Origin is ${origin}`;
  return null;
}

function isOurOrigin(origin: string, appOrigin: string, host: string | null): boolean {
  if (origin === appOrigin) return true;
  // The app reached under another name than the configured one (e.g. localhost): the browser
  // sets both headers, so a page on that very host:port is still our page. "null" never is.
  try {
    return host !== null && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** The refusal: problem+json under /api (the browser code reads it), a short text elsewhere. */
export function refuseCrossSite(pathname: string): NextResponse {
  if (pathname === "/api" || pathname.startsWith("/api/")) {
    return problem({ status: 403, title: "Forbidden", detail: "Requests from other sites are not allowed." });
  }
  return new NextResponse("Requests from other sites are not allowed.", {
    status: 403,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}
