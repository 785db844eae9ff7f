import { type NextRequest, NextResponse } from "next/server";
import { config as settings } from "@/lib/config";
import { contentSecurityPolicy, newNonce } from "@/lib/csp";

/** Every page response gets a CSP with its own nonce (pages render on demand anyway). */
export function proxy(request: NextRequest) {
  const nonce = newNonce();
  const policy = contentSecurityPolicy(nonce, settings().SPOTIFY_ACCOUNTS_URL, process.env.NODE_ENV !== "production");
  const headers = new Headers(request.headers);
  headers.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

export const config = {
  // Pages only: API routes answer JSON, static files carry no scripts of ours.
  matcher: [
    {
      source: "/((?!api|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
