import { NextResponse, type NextRequest } from "next/server";
import { authorizeUrl, challengeFor, createVerifier, randomString } from "@/lib/auth/pkce";
import { setOAuthCookie } from "@/lib/auth/session";
import { appOrigin, config } from "@/lib/config";
import { safeReturnTo } from "@/lib/return-to";

export const dynamic = "force-dynamic";

export async function GET(req: NextRequest) {
  const c = config();
  const verifier = createVerifier();
  const state = randomString(24);
  const res = NextResponse.redirect(
    authorizeUrl({
      accountsUrl: c.SPOTIFY_ACCOUNTS_URL,
      clientId: c.SPOTIFY_CLIENT_ID,
      redirectUri: c.SPOTIFY_REDIRECT_URI,
      scope: c.SPOTIFY_SCOPES,
      state,
      challenge: await challengeFor(verifier),
    }),
    303,
  );
  await setOAuthCookie(res, { verifier, state, returnTo: safeReturnTo(req.nextUrl.searchParams.get("returnTo"), appOrigin()) });
  res.headers.set("Cache-Control", "no-store");
  return res;
}
