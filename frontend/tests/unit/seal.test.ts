import { describe, expect, it } from "vitest";
import { z } from "zod";
import { seal, unseal } from "@/lib/auth/seal";
import { Tokens } from "@/lib/auth/tokens";

const SECRET = "x".repeat(48);
const tokens = { accessToken: "AT-secret-value", refreshToken: "RT-secret-value", expiresAt: 1_900_000_000_000 };

describe("encrypted cookies", () => {
  it("round-trips a session", async () => {
    const sealed = await seal(tokens, SECRET, "session", 3600);
    expect(await unseal(sealed, SECRET, "session", Tokens)).toEqual(tokens);
  });

  it("is encrypted, not just signed: no token text in the cookie", async () => {
    const sealed = await seal(tokens, SECRET, "session", 3600);
    expect(sealed.split(".")).toHaveLength(5); // compact JWE
    const decoded = sealed
      .split(".")
      .map((part) => Buffer.from(part, "base64url").toString("latin1"))
      .join("");
    expect(decoded).not.toContain("AT-secret-value");
    expect(decoded).not.toContain("RT-secret-value");
    expect(sealed).not.toContain("secret-value");
  });

  it("rejects a wrong secret, another purpose, tampering and garbage", async () => {
    const sealed = await seal(tokens, SECRET, "session", 3600);
    expect(await unseal(sealed, "y".repeat(48), "session", Tokens)).toBeNull();
    expect(await unseal(sealed, SECRET, "oauth", Tokens)).toBeNull();
    const parts = sealed.split(".");
    const ct = parts[3]!;
    parts[3] = (ct[0] === "A" ? "B" : "A") + ct.slice(1);
    expect(await unseal(parts.join("."), SECRET, "session", Tokens)).toBeNull();
    expect(await unseal("not-a-jwe", SECRET, "session", Tokens)).toBeNull();
    expect(await unseal(undefined, SECRET, "session", Tokens)).toBeNull();
  });

  it("rejects an expired value", async () => {
    const sealed = await seal(tokens, SECRET, "session", 1);
    await new Promise((r) => setTimeout(r, 2100));
    expect(await unseal(sealed, SECRET, "session", Tokens)).toBeNull();
  });

  it("rejects a payload of the wrong shape", async () => {
    const sealed = await seal({ hello: "world" }, SECRET, "session", 60);
    expect(await unseal(sealed, SECRET, "session", Tokens)).toBeNull();
    expect(await unseal(sealed, SECRET, "session", z.object({ hello: z.string() }))).toMatchObject({ hello: "world" });
  });
});
