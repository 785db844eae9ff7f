import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { authorizeUrl, base64url, challengeFor, createVerifier, isValidVerifier, randomString, safeEqual } from "@/lib/auth/pkce";

describe("PKCE", () => {
  it("matches the RFC 7636 appendix B example", async () => {
    expect(await challengeFor("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe(
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
  });

  it("creates verifiers of the allowed alphabet and length, all different", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const v = createVerifier();
      expect(isValidVerifier(v)).toBe(true);
      expect(v.length).toBeGreaterThanOrEqual(43);
      expect(v.length).toBeLessThanOrEqual(128);
      seen.add(v);
    }
    expect(seen.size).toBe(200);
  });

  it("derives the S256 challenge like node's crypto", async () => {
    const v = createVerifier();
    const expected = createHash("sha256").update(v).digest("base64url");
    expect(await challengeFor(v)).toBe(expected);
  });

  it("refuses a verifier that is too short or has bad characters", async () => {
    await expect(challengeFor("short")).rejects.toThrow();
    expect(isValidVerifier("a".repeat(42))).toBe(false);
    expect(isValidVerifier(`${"a".repeat(50)}+/=`)).toBe(false);
  });

  it("base64url has no padding or +/", () => {
    expect(base64url(new Uint8Array([251, 255, 191]))).toBe("-_-_");
    expect(randomString(24)).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it("compares state in constant time", () => {
    expect(safeEqual("abc", "abc")).toBe(true);
    expect(safeEqual("abc", "abd")).toBe(false);
    expect(safeEqual("abc", "abcd")).toBe(false);
  });

  it("builds the authorize URL with S256 and the exact redirect URI", () => {
    const url = new URL(
      authorizeUrl({
        accountsUrl: "http://127.0.0.1:8765",
        clientId: "cid",
        redirectUri: "http://127.0.0.1:3000/callback",
        scope: "a b",
        state: "s".repeat(32),
        challenge: "c".repeat(43),
      }),
    );
    expect(url.pathname).toBe("/authorize");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("redirect_uri")).toBe("http://127.0.0.1:3000/callback");
    expect(url.searchParams.get("response_type")).toBe("code");
    expect(url.searchParams.get("scope")).toBe("a b");
  });
});
