/**
 * Next's request hook (the file name is Next's). Two jobs, for every request but static files:
 * refuse state-changing requests from other sites (lib/same-origin.ts), and give every page
 * a Content-Security-Policy with a nonce of its own (lib/csp.ts).
 */
import { type NextRequest, NextResponse } from "next/server";
import { appOrigin, config as settings } from "@/lib/config";
import { contentSecurityPolicy, newNonce } from "@/lib/csp";
import { crossSiteRefusal, refuseCrossSite } from "@/lib/same-origin";

export function proxy(request: NextRequest) {
  const refusal = crossSiteRefusal(request.method, request.headers, appOrigin());
  if (refusal) {
    console.warn(`refused ${request.method} ${request.nextUrl.pathname}: ${refusal}`);
    return refuseCrossSite(request.nextUrl.pathname);
  }
  // API routes answer JSON; prefetches are cached and replayed, so a nonce in them would be stale.
  const prefetch = request.headers.has("next-router-prefetch") || request.headers.get("purpose") === "prefetch";
  if (request.nextUrl.pathname.startsWith("/api/") || prefetch) return NextResponse.next();
  const nonce = newNonce();
  const policy = contentSecurityPolicy(nonce, settings().SPOTIFY_ACCOUNTS_URL, process.env.NODE_ENV !== "production");
  const headers = new Headers(request.headers);
  headers.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

export const config = {
  // Everything but build output and the icon: state-changing requests anywhere must be checked.
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
