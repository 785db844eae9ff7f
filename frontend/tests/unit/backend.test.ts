import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";

process.env.SESSION_SECRET = "s".repeat(40);
process.env.RECOMMENDER_SERVICE_TOKEN = "service-token-123";
process.env.BACKEND_URL = "http://backend.test";

const { callBackend } = await import("@/lib/backend");
const { UNREACHABLE } = await import("@/lib/errors");

afterEach(() => {
  vi.restoreAllMocks();
});

describe("an API that cannot be reached", () => {
  it.each([
    ["a reset connection", Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNRESET" } }), "ECONNRESET"],
    ["a refused connection", Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } }), "ECONNREFUSED"],
    ["a timeout", new DOMException("The operation was aborted due to timeout", "TimeoutError"), "timed out"],
  ])("is a 503 for the user, and the log names %s", async (_, failure, why) => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const doFetch = vi.fn(async () => {
      throw failure;
    });

    const result = await callBackend(
      { path: "/v1/library", search: { q: "secret-query" }, spotifyToken: "user-at", schema: z.unknown() },
      doFetch as unknown as typeof fetch,
    );

    expect(result).toEqual({ ok: false, error: UNREACHABLE, spotifyRejected: false });
    expect(log).toHaveBeenCalledTimes(1);
    const line = String(log.mock.calls[0]![0]);
    expect(line).toBe(`backend unreachable on /v1/library: ${why}`);
    for (const secret of ["service-token-123", "user-at", "secret-query"]) expect(line).not.toContain(secret);
  });
});
