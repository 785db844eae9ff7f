import { describe, expect, it, vi } from "vitest";
import {
  AccountsUnavailable,
  exchangeCode,
  needsRefresh,
  ReauthRequired,
  RefreshCoordinator,
  refreshTokens,
  type TokenClient,
  type Tokens,
} from "@/lib/auth/tokens";

function fakeAccounts(handler: (form: URLSearchParams) => { status: number; body: unknown }) {
  const calls: URLSearchParams[] = [];
  const fetchImpl = vi.fn(async (_url: string | URL | Request, init?: RequestInit) => {
    const form = new URLSearchParams(String(init?.body));
    calls.push(form);
    const { status, body } = handler(form);
    return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
  });
  return { calls, fetch: fetchImpl as unknown as typeof fetch };
}

const NOW = 1_800_000_000_000;
const current: Tokens = { accessToken: "old-at", refreshToken: "rt-1", expiresAt: NOW - 1 };

describe("token exchange and refresh", () => {
  it("exchanges a code with the verifier and exact redirect URI", async () => {
    const acc = fakeAccounts(() => ({ status: 200, body: { access_token: "at", refresh_token: "rt", expires_in: 3600, token_type: "Bearer" } }));
    const client: TokenClient = { accountsUrl: "http://acc", clientId: "cid", fetch: acc.fetch, now: () => NOW };
    const t = await exchangeCode(client, "the-code", "v".repeat(43), "http://127.0.0.1:3000/callback");
    expect(t).toEqual({ accessToken: "at", refreshToken: "rt", expiresAt: NOW + 3_600_000, scope: undefined });
    const form = acc.calls[0]!;
    expect(form.get("grant_type")).toBe("authorization_code");
    expect(form.get("code_verifier")).toBe("v".repeat(43));
    expect(form.get("redirect_uri")).toBe("http://127.0.0.1:3000/callback");
    expect(form.get("client_id")).toBe("cid");
  });

  it("keeps a rotated refresh token", async () => {
    const acc = fakeAccounts(() => ({ status: 200, body: { access_token: "new-at", refresh_token: "rt-2", expires_in: 3600 } }));
    const t = await refreshTokens({ accountsUrl: "http://acc", clientId: "cid", fetch: acc.fetch, now: () => NOW }, current);
    expect(t.accessToken).toBe("new-at");
    expect(t.refreshToken).toBe("rt-2");
    expect(acc.calls[0]!.get("grant_type")).toBe("refresh_token");
    expect(acc.calls[0]!.get("refresh_token")).toBe("rt-1");
  });

  it("keeps the old refresh token when none is returned", async () => {
    const acc = fakeAccounts(() => ({ status: 200, body: { access_token: "new-at", expires_in: 3600 } }));
    const t = await refreshTokens({ accountsUrl: "http://acc", clientId: "cid", fetch: acc.fetch, now: () => NOW }, current);
    expect(t.refreshToken).toBe("rt-1");
  });

  it("caps the lifetime with maxAge", async () => {
    const acc = fakeAccounts(() => ({ status: 200, body: { access_token: "a", expires_in: 3600 } }));
    const t = await refreshTokens({ accountsUrl: "http://acc", clientId: "c", fetch: acc.fetch, now: () => NOW, maxAge: 5 }, current);
    expect(t.expiresAt).toBe(NOW + 5000);
  });

  it("invalid_grant means sign in again", async () => {
    const acc = fakeAccounts(() => ({ status: 400, body: { error: "invalid_grant", error_description: "revoked" } }));
    await expect(refreshTokens({ accountsUrl: "http://acc", clientId: "c", fetch: acc.fetch }, current)).rejects.toBeInstanceOf(ReauthRequired);
  });

  it("5xx and network failures are temporary, not a sign-out", async () => {
    const acc = fakeAccounts(() => ({ status: 503, body: {} }));
    await expect(refreshTokens({ accountsUrl: "http://acc", clientId: "c", fetch: acc.fetch }, current)).rejects.toBeInstanceOf(AccountsUnavailable);
    const broken = (async () => {
      throw new TypeError("fetch failed");
    }) as unknown as typeof fetch;
    await expect(refreshTokens({ accountsUrl: "http://acc", clientId: "c", fetch: broken }, current)).rejects.toBeInstanceOf(AccountsUnavailable);
  });

  it("refreshes 30 s before expiry", () => {
    expect(needsRefresh({ ...current, expiresAt: NOW + 10_000 }, NOW)).toBe(true);
    expect(needsRefresh({ ...current, expiresAt: NOW + 120_000 }, NOW)).toBe(false);
  });

  it("concurrent refreshes of one rotating token make a single call", async () => {
    let n = 0;
    const acc = fakeAccounts((form) => {
      n += 1;
      // A real rotating server refuses the second use of rt-1.
      if (form.get("refresh_token") !== "rt-1" || n > 1) return { status: 400, body: { error: "invalid_grant" } };
      return { status: 200, body: { access_token: "at-2", refresh_token: "rt-2", expires_in: 3600 } };
    });
    const coord = new RefreshCoordinator({ accountsUrl: "http://acc", clientId: "c", fetch: acc.fetch, now: () => NOW });
    const results = await Promise.all([coord.refresh(current), coord.refresh(current), coord.refresh(current)]);
    expect(results.map((r) => r.refreshToken)).toEqual(["rt-2", "rt-2", "rt-2"]);
    // A late request still carrying the old cookie gets the new tokens instead of invalid_grant.
    expect((await coord.refresh(current)).accessToken).toBe("at-2");
    expect(acc.calls).toHaveLength(1);
  });

  it("a failed refresh is not cached", async () => {
    let fail = true;
    const acc = fakeAccounts(() => (fail ? { status: 503, body: {} } : { status: 200, body: { access_token: "ok", expires_in: 3600 } }));
    const coord = new RefreshCoordinator({ accountsUrl: "http://acc", clientId: "c", fetch: acc.fetch, now: () => NOW });
    await expect(coord.refresh(current)).rejects.toBeInstanceOf(AccountsUnavailable);
    fail = false;
    expect((await coord.refresh(current)).accessToken).toBe("ok");
  });
});
