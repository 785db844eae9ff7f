import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, newNonce } from "@/lib/csp";

const directive = (policy: string, name: string) => policy.split("; ").find((d) => d.startsWith(`${name} `)) ?? "";

describe("content security policy", () => {
  it("lets scripts run only with the response's nonce", () => {
    const policy = contentSecurityPolicy("abc123", "https://accounts.spotify.com");
    expect(directive(policy, "script-src")).toContain("'nonce-abc123'");
    expect(directive(policy, "script-src")).not.toContain("unsafe-inline");
    expect(directive(policy, "script-src")).not.toContain("unsafe-eval");
    expect(directive(policy, "object-src")).toBe("object-src 'none'");
    expect(directive(policy, "frame-ancestors")).toBe("frame-ancestors 'none'");
    expect(directive(policy, "connect-src")).toBe("connect-src 'self'");
  });
  it("allows covers and previews from the sandbox's origin in demo mode", () => {
    const policy = contentSecurityPolicy("n", "http://127.0.0.1:8765/some/path");
    expect(directive(policy, "img-src")).toContain("http://127.0.0.1:8765");
    expect(directive(policy, "media-src")).toContain("http://127.0.0.1:8765");
    expect(directive(policy, "img-src")).not.toContain("/some/path");
  });
  it("draws a fresh nonce every time", () => {
    const nonces = new Set(Array.from({ length: 50 }, newNonce));
    expect(nonces.size).toBe(50);
    expect([...nonces][0]).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });
});
