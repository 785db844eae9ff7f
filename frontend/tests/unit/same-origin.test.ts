/**
 * Cross-site request forgery protection: lib/same-origin.ts decides, proxy.ts (Next's request
 * hook) applies it to every state-changing request, including /logout and the /api proxies.
 */
import { describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { unstable_doesMiddlewareMatch } from "next/experimental/testing/server";

process.env.SESSION_SECRET = "s".repeat(40);
process.env.RECOMMENDER_SERVICE_TOKEN = "service-token-123";
process.env.SPOTIFY_REDIRECT_URI = "http://127.0.0.1:3000/callback";

const { crossSiteRefusal } = await import("@/lib/same-origin");
const { proxy, config } = await import("@/proxy");

const APP = "http://127.0.0.1:3000";

function headers(h: Record<string, string>) {
  return new Headers({ host: "127.0.0.1:3000", ...h });
}

describe("crossSiteRefusal", () => {
  it.each(["POST", "PUT", "PATCH", "DELETE", "post"])("refuses a %s from another origin", (method) => {
    expect(crossSiteRefusal(method, headers({ origin: "http://evil.example" }), APP)).toMatch(/Origin/);
  });

  it.each([
    ["another site", { "sec-fetch-site": "cross-site" }],
    ["another origin on the same site", { "sec-fetch-site": "same-site" }],
    ["another port", { origin: "http://127.0.0.1:4000" }],
    ["another loopback address", { origin: "http://127.0.0.2:3000" }],
    ["https look-alike", { origin: "https://127.0.0.1:3000.evil.example" }],
    ["an opaque origin (sandboxed frame, data: URL)", { origin: "null" }],
    ["a same-origin claim contradicted by Sec-Fetch-Site", { origin: APP, "sec-fetch-site": "cross-site" }],
  ])("refuses a POST from %s", (_label, h) => {
    expect(crossSiteRefusal("POST", headers(h), APP)).not.toBeNull();
  });

  it.each([
    ["our own page", { origin: APP, "sec-fetch-site": "same-origin" }],
    ["our page reached as localhost", { origin: "http://localhost:3000", host: "localhost:3000" }],
    ["a browser that sends only Sec-Fetch-Site", { "sec-fetch-site": "same-origin" }],
    ["a non-browser client (no cookies of anyone's)", {}],
  ])("lets through a POST from %s", (_label, h) => {
    expect(crossSiteRefusal("POST", headers(h), APP)).toBeNull();
  });

  it.each(["GET", "HEAD", "OPTIONS"])("never refuses a %s (reads change nothing)", (method) => {
    expect(crossSiteRefusal(method, headers({ origin: "http://evil.example", "sec-fetch-site": "cross-site" }), APP)).toBeNull();
  });
});

describe("proxy.ts", () => {
  const crossSite = { origin: "http://evil.example", "sec-fetch-site": "cross-site" };

  it.each(["/logout", "/api/recommend", "/api/playlists", "/api/ingest/library", "/api/ingest/playlists/abc", "/api/anything-new"])(
    "runs on %s",
    (path) => {
      expect(unstable_doesMiddlewareMatch({ config, url: path })).toBe(true);
    },
  );

  it("answers a cross-site POST to an API route with a problem+json 403, and says so in the log", async () => {
    // Also keeps Next's console patching (which needs its server runtime) out of the way.
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const res = proxy(new NextRequest(`${APP}/api/playlists`, { method: "POST", headers: crossSite }));
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await res.json()).toMatchObject({ status: 403, title: "Forbidden" });
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/refused POST \/api\/playlists/));
    warn.mockRestore();
  });

  it("refuses a cross-site POST to /logout without clearing any cookie", async () => {
    vi.spyOn(console, "warn").mockImplementationOnce(() => {});
    const res = proxy(new NextRequest(`${APP}/logout`, { method: "POST", headers: crossSite }));
    expect(res.status).toBe(403);
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("passes our own POSTs on to the route handler", () => {
    const res = proxy(new NextRequest(`${APP}/logout`, { method: "POST", headers: { origin: APP, "sec-fetch-site": "same-origin" } }));
    expect(res.headers.get("x-middleware-next")).toBe("1");
  });

  it("still gives pages a nonce-based CSP, and API answers none", () => {
    const page = proxy(new NextRequest(`${APP}/library`));
    expect(page.headers.get("content-security-policy")).toMatch(/'nonce-[^']+'/);
    const api = proxy(new NextRequest(`${APP}/api/library`));
    expect(api.headers.get("content-security-policy")).toBeNull();
  });
});
