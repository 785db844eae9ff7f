/**
 * safeReturnTo keeps sign-in's `returnTo` on this app's origin, whatever the URL parser does
 * to the string (strips tab/CR/LF, reads `\` as `/`, resolves dot segments).
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_RETURN_TO, safeReturnTo } from "@/lib/return-to";

const APP = "http://127.0.0.1:3000";

/** Where a browser ends up when sent to `path` on our origin: what the Location header means. */
function landsOn(path: string): string {
  return new URL(path, APP).origin;
}

describe("safeReturnTo", () => {
  it.each([
    "/library",
    "/playlist/37i9dQZF1DXcBWIGoYBM5M",
    "/recommendations?playlist=abc123&title=Like%20it",
    "/track/12#similar",
    "/%2F%2Fevil.example", // encoded slashes are a path segment on our site, not a host
    "/%5Cevil.example",
    "/%09/evil.example/pwn",
  ])("keeps the same-origin path %j", (path) => {
    expect(safeReturnTo(path, APP)).toBe(path);
  });

  it.each([
    ["tab after the slash", "/\t/evil.example/pwn"],
    ["newline", "/\n/evil.example"],
    ["carriage return", "/\r/evil.example"],
    ["tab inside the slashes", "/\t\t/evil.example"],
    ["NUL", "/\u0000/evil.example"],
    ["DEL", "/\u007f/evil.example"],
    ["backslash", "\\evil.example"],
    ["slash backslash", "/\\evil.example"],
    ["slash backslash backslash", "/\\\\evil.example"],
    ["backslash slash", "\\/evil.example"],
    ["scheme-relative", "//evil.example"],
    ["three slashes", "///evil.example"],
    ["four slashes", "////evil.example/x"],
    ["dot segment into //", "/.//evil.example"],
    ["dot-dot segment into //", "/a/..//evil.example/x"],
    ["encoded dot-dot into //", "/%2e%2e//evil.example"],
    ["absolute https", "https://evil.example/"],
    ["absolute http to our host", `${APP}/library`],
    ["javascript:", "javascript:alert(1)"],
    ["leading space, then javascript:", " javascript:alert(1)"],
    ["data:", "data:text/html,<script>alert(1)</script>"],
    ["leading space", " /library"],
    ["relative path", "library"],
    ["empty", ""],
    ["too long", `/${"a".repeat(3000)}`],
  ])("refuses %s", (_label, candidate) => {
    expect(safeReturnTo(candidate, APP)).toBe(DEFAULT_RETURN_TO);
  });

  it("falls back when there is no returnTo", () => {
    expect(safeReturnTo(null, APP)).toBe(DEFAULT_RETURN_TO);
    expect(safeReturnTo(undefined, APP)).toBe(DEFAULT_RETURN_TO);
  });

  it("whatever it returns resolves to our origin, for a fuzz of tricky prefixes", () => {
    const parts = ["/", "\\", "\t", "\n", "\r", ".", "..", "%2F", "%5C", "%09", "evil.example", "@evil.example", ":", "?", "#"];
    let checked = 0;
    for (const a of parts) for (const b of parts) for (const c of parts) {
      const result = safeReturnTo(`${a}${b}${c}/pwn`, APP);
      expect(landsOn(result), JSON.stringify(`${a}${b}${c}/pwn`)).toBe(APP);
      expect(result.startsWith("/") && !result.startsWith("//")).toBe(true);
      checked++;
    }
    expect(checked).toBe(parts.length ** 3);
  });

  it("the fuzz would have caught the old prefix check", () => {
    // The check this replaced: starts with "/", but not "//" or "/\".
    const old = (v: string) => (!v.startsWith("/") || v.startsWith("//") || v.startsWith("/\\") ? DEFAULT_RETURN_TO : v);
    expect(landsOn(old("/\t/evil.example/pwn"))).toBe("http://evil.example");
    expect(landsOn(safeReturnTo("/\t/evil.example/pwn", APP))).toBe(APP);
  });
});
