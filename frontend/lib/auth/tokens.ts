/**
 * Talking to the accounts service: code exchange and refresh (with rotation).
 * Pure over `fetch` so that unit tests can drive it without a server.
 */
import { z } from "zod";
import { jsonOrNull } from "../json";

export const TokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive().default(3600),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});

/** What the session cookie holds. */
export const Tokens = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  /** Epoch milliseconds after which the access token must be refreshed. */
  expiresAt: z.number(),
  scope: z.string().optional(),
});
export type Tokens = z.infer<typeof Tokens>;

/** The refresh token was rejected: the user must sign in again. */
export class ReauthRequired extends Error {
  constructor(detail = "invalid_grant") {
    super(detail);
    this.name = "ReauthRequired";
  }
}

/** The accounts service could not be reached or answered nonsense: try again later. */
export class AccountsUnavailable extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = "AccountsUnavailable";
  }
}

export interface TokenClient {
  accountsUrl: string;
  clientId: string;
  /** Cap on the access token's lifetime in seconds (0 = use expires_in). */
  maxAge?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/** Refresh this long before the token actually expires. */
export const EXPIRY_SKEW_MS = 30_000;

function lifetime(client: TokenClient, expiresIn: number): number {
  const seconds = client.maxAge && client.maxAge > 0 ? Math.min(client.maxAge, expiresIn) : expiresIn;
  return seconds * 1000;
}

async function tokenRequest(client: TokenClient, form: Record<string, string>) {
  const doFetch = client.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(new URL("/api/token", client.accountsUrl), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: new URLSearchParams(form).toString(),
      cache: "no-store",
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    throw new AccountsUnavailable(`accounts service unreachable: ${(err as Error).message}`);
  }
  const body = await jsonOrNull(res);
  if (!res.ok) {
    const error = z.object({ error: z.string() }).safeParse(body);
    if (res.status === 400 && error.success && error.data.error === "invalid_grant") {
      throw new ReauthRequired();
    }
    if (res.status === 400 || res.status === 401) {
      // invalid_client, unauthorized_client…: nothing a retry would fix.
      throw new ReauthRequired(error.success ? error.data.error : `status ${res.status}`);
    }
    throw new AccountsUnavailable(`accounts service answered ${res.status}`);
  }
  const parsed = TokenResponse.safeParse(body);
  if (!parsed.success) throw new AccountsUnavailable("accounts service sent an unexpected token response");
  return parsed.data;
}

export async function exchangeCode(
  client: TokenClient,
  code: string,
  verifier: string,
  redirectUri: string,
): Promise<Tokens> {
  const now = (client.now ?? Date.now)();
  const t = await tokenRequest(client, {
    grant_type: "authorization_code",
    code,
    redirect_uri: redirectUri,
    client_id: client.clientId,
    code_verifier: verifier,
  });
  if (!t.refresh_token) throw new AccountsUnavailable("no refresh token in the code exchange");
  return {
    accessToken: t.access_token,
    refreshToken: t.refresh_token,
    expiresAt: now + lifetime(client, t.expires_in),
    scope: t.scope,
  };
}

export async function refreshTokens(client: TokenClient, current: Tokens): Promise<Tokens> {
  const now = (client.now ?? Date.now)();
  const t = await tokenRequest(client, {
    grant_type: "refresh_token",
    refresh_token: current.refreshToken,
    client_id: client.clientId,
  });
  return {
    accessToken: t.access_token,
    // Rotation: keep the new refresh token when one is sent, else the old one stays valid.
    refreshToken: t.refresh_token ?? current.refreshToken,
    expiresAt: now + lifetime(client, t.expires_in),
    scope: t.scope ?? current.scope,
  };
}

export function needsRefresh(tokens: Tokens, now = Date.now()): boolean {
  return tokens.expiresAt - EXPIRY_SKEW_MS <= now;
}

/**
 * Refreshes once per refresh token. Rotating refresh tokens are single-use, so two requests
 * from the same browser racing to refresh must share one call — and a request that arrives
 * a moment later still carrying the old cookie must get the new tokens, not invalid_grant.
 */
export class RefreshCoordinator {
  private inflight = new Map<string, Promise<Tokens>>();
  private recent = new Map<string, { tokens: Tokens; until: number }>();

  constructor(
    private readonly client: TokenClient,
    private readonly graceMs = 60_000,
  ) {}

  async refresh(current: Tokens): Promise<Tokens> {
    const now = (this.client.now ?? Date.now)();
    for (const [key, entry] of this.recent) if (entry.until <= now) this.recent.delete(key);
    const done = this.recent.get(current.refreshToken);
    if (done && !needsRefresh(done.tokens, now)) return done.tokens;
    let pending = this.inflight.get(current.refreshToken);
    if (!pending) {
      pending = refreshTokens(this.client, current)
        .then((tokens) => {
          this.recent.set(current.refreshToken, { tokens, until: now + this.graceMs });
          return tokens;
        })
        .finally(() => this.inflight.delete(current.refreshToken));
      this.inflight.set(current.refreshToken, pending);
    }
    return pending;
  }
}
