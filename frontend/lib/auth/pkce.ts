/** PKCE (RFC 7636) with S256, and the OAuth `state`: pure functions over Web Crypto. */

const UNRESERVED = /^[A-Za-z0-9\-._~]{43,128}$/;

export function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function randomString(byteLength = 32): string {
  const bytes = new Uint8Array(byteLength);
  crypto.getRandomValues(bytes);
  return base64url(bytes);
}

/** A code verifier: 64 random bytes → 86 characters of the unreserved alphabet. */
export function createVerifier(): string {
  return randomString(64);
}

export function isValidVerifier(verifier: string): boolean {
  return UNRESERVED.test(verifier);
}

export async function challengeFor(verifier: string): Promise<string> {
  if (!isValidVerifier(verifier)) throw new Error("invalid PKCE verifier");
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** Constant-time comparison for `state`. */
export function safeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export interface AuthorizeParams {
  accountsUrl: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string;
  challenge: string;
}

export function authorizeUrl(p: AuthorizeParams): string {
  const url = new URL("/authorize", p.accountsUrl);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: p.clientId,
    redirect_uri: p.redirectUri,
    scope: p.scope,
    state: p.state,
    code_challenge_method: "S256",
    code_challenge: p.challenge,
  }).toString();
  return url.toString();
}
