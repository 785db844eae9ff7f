import "server-only";
import { cookies } from "next/headers";
import type { NextResponse } from "next/server";
import { z } from "zod";
import { config } from "@/lib/config";
import { seal, unseal } from "@/lib/auth/seal";
import { DEFAULT_RETURN_TO } from "@/lib/return-to";
import { RefreshCoordinator, Tokens, needsRefresh, ReauthRequired } from "@/lib/auth/tokens";

export const SESSION_COOKIE = "rs_session";
export const OAUTH_COOKIE = "rs_oauth";
const SESSION_PURPOSE = "session";
const OAUTH_PURPOSE = "oauth";
/** The session lives as long as the refresh token is likely to: 30 days. */
export const SESSION_MAX_AGE = 30 * 24 * 3600;
export const OAUTH_MAX_AGE = 600;

export const OAuthState = z.object({
  verifier: z.string().min(43),
  state: z.string().min(16),
  returnTo: z.string().startsWith("/").default(DEFAULT_RETURN_TO),
});
export type OAuthState = z.infer<typeof OAuthState>;

function cookieOptions(maxAge: number) {
  return {
    httpOnly: true,
    sameSite: "lax" as const,
    secure: config().secureCookies,
    path: "/",
    maxAge,
  };
}

export async function sealSession(tokens: Tokens): Promise<string> {
  return seal(tokens, config().SESSION_SECRET, SESSION_PURPOSE, SESSION_MAX_AGE);
}

export async function readSession(): Promise<Tokens | null> {
  const jar = await cookies();
  return unseal(jar.get(SESSION_COOKIE)?.value, config().SESSION_SECRET, SESSION_PURPOSE, Tokens);
}

export async function hasSession(): Promise<boolean> {
  return (await readSession()) !== null;
}

export async function setSessionCookie(res: NextResponse, tokens: Tokens): Promise<void> {
  res.cookies.set(SESSION_COOKIE, await sealSession(tokens), cookieOptions(SESSION_MAX_AGE));
}

export function clearAuthCookies(res: NextResponse): void {
  res.cookies.set(SESSION_COOKIE, "", { ...cookieOptions(0), maxAge: 0 });
  res.cookies.set(OAUTH_COOKIE, "", { ...cookieOptions(0), maxAge: 0 });
}

export async function setOAuthCookie(res: NextResponse, value: OAuthState): Promise<void> {
  res.cookies.set(
    OAUTH_COOKIE,
    await seal(value, config().SESSION_SECRET, OAUTH_PURPOSE, OAUTH_MAX_AGE),
    cookieOptions(OAUTH_MAX_AGE),
  );
}

export async function readOAuthCookie(): Promise<OAuthState | null> {
  const jar = await cookies();
  return unseal(jar.get(OAUTH_COOKIE)?.value, config().SESSION_SECRET, OAUTH_PURPOSE, OAuthState);
}

let coordinator: RefreshCoordinator | null = null;
export function tokenClient() {
  const c = config();
  return { accountsUrl: c.SPOTIFY_ACCOUNTS_URL, clientId: c.SPOTIFY_CLIENT_ID, maxAge: c.ACCESS_TOKEN_MAX_AGE };
}
function refresher(): RefreshCoordinator {
  coordinator ??= new RefreshCoordinator(tokenClient());
  return coordinator;
}

/**
 * The session's tokens, refreshed when about to expire (or when `force`d after the
 * backend said the access token was rejected). `rotated` is true when the cookie must be rewritten.
 * Throws ReauthRequired when there is no session or the refresh token was refused.
 */
export async function currentTokens(force = false): Promise<{ tokens: Tokens; rotated: boolean }> {
  const tokens = await readSession();
  if (!tokens) throw new ReauthRequired("no session");
  if (!force && !needsRefresh(tokens)) return { tokens, rotated: false };
  const fresh = await refresher().refresh(force ? { ...tokens, expiresAt: 0 } : tokens);
  return { tokens: fresh, rotated: true };
}
