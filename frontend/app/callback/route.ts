import { NextResponse, type NextRequest } from "next/server";
import { safeEqual } from "@/lib/auth/pkce";
import { hasSession, OAUTH_COOKIE, readOAuthCookie, setSessionCookie } from "@/lib/auth/session";
import { AccountsUnavailable, exchangeCode, ReauthRequired } from "@/lib/auth/tokens";
import { appOrigin, appUrl, config } from "@/lib/config";
import { safeReturnTo } from "@/lib/return-to";

export const dynamic = "force-dynamic";

function fail(reason: string) {
  const res = NextResponse.redirect(appUrl(`/auth-error?reason=${encodeURIComponent(reason)}`), 303);
  res.cookies.set(OAUTH_COOKIE, "", { path: "/", maxAge: 0 });
  res.headers.set("Cache-Control", "no-store");
  return res;
}

export async function GET(req: NextRequest) {
  const params = req.nextUrl.searchParams;
  const error = params.get("error");
  if (error) return fail(error === "access_denied" ? "denied" : "provider");
  const code = params.get("code");
  const state = params.get("state");
  const pending = await readOAuthCookie();
  if (!pending) {
    // A stray /callback (back button, a bookmark, a reload) while signed in: nothing to finish.
    if (await hasSession()) return NextResponse.redirect(appUrl("/library"), 303);
    return fail("expired");
  }
  if (!code || !state || !safeEqual(state, pending.state)) return fail("state");
  const c = config();
  try {
    const tokens = await exchangeCode(
      { accountsUrl: c.SPOTIFY_ACCOUNTS_URL, clientId: c.SPOTIFY_CLIENT_ID, maxAge: c.ACCESS_TOKEN_MAX_AGE },
      code,
      pending.verifier,
      c.SPOTIFY_REDIRECT_URI,
    );
    // Checked again where it is used, so the redirect is safe whatever the cookie holds.
    const res = NextResponse.redirect(appUrl(safeReturnTo(pending.returnTo, appOrigin())), 303);
    await setSessionCookie(res, tokens);
    res.cookies.set(OAUTH_COOKIE, "", { path: "/", maxAge: 0 });
    res.headers.set("Cache-Control", "no-store");
    return res;
  } catch (err) {
    if (err instanceof ReauthRequired) return fail("exchange");
    if (err instanceof AccountsUnavailable) return fail("unavailable");
    console.error("sign-in failed", (err as Error).message);
    return fail("unknown");
  }
}
