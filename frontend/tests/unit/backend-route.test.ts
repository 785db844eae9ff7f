import { beforeEach, describe, expect, it, vi } from "vitest";

process.env.SESSION_SECRET = "s".repeat(40);
process.env.RECOMMENDER_SERVICE_TOKEN = "service-token-123";
process.env.BACKEND_URL = "http://backend.test";

const session = vi.hoisted(() => ({
  currentTokens: vi.fn(),
  setSessionCookie: vi.fn(async () => {}),
  clearAuthCookies: vi.fn(),
}));
vi.mock("@/lib/auth/session", () => session);

const { forward, validate } = await import("@/lib/backend-route");
const { ReauthRequired } = await import("@/lib/auth/tokens");
const { friendlyError } = await import("@/lib/errors");
const { isSpotifyRejection } = await import("@/lib/backend");
const S = await import("@/lib/schemas");

const TOKENS = { accessToken: "user-at", refreshToken: "rt", expiresAt: Date.now() + 3_600_000 };

function backend(...answers: Array<{ status: number; body: unknown }>) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetchMock = vi.fn(async (url: string | URL, init: RequestInit) => {
    calls.push({ url: String(url), init });
    const a = answers[Math.min(calls.length - 1, answers.length - 1)]!;
    return new Response(JSON.stringify(a.body), { status: a.status, headers: { "Content-Type": "application/json" } });
  });
  vi.stubGlobal("fetch", fetchMock);
  return calls;
}

const JOB = {
  id: "job1", kind: "playlist", target: "p1", state: "running", stage: "audio", progress_done: 3, progress_total: 10,
  counters: {}, error: null, attempts: 1, resume_at: null, created_at: "2026-01-01T00:00:00Z", started_at: null, finished_at: null,
};

beforeEach(() => {
  vi.unstubAllGlobals();
  session.currentTokens.mockReset();
  session.setSessionCookie.mockClear();
  session.clearAuthCookies.mockClear();
});

describe("input validation", () => {
  it("accepts a playlist request and fills defaults", () => {
    const r = validate(S.RecommendInput, { playlist_id: "37i9dQZF1DX0XUsuxWHRQd" });
    expect(r.ok && r.data).toMatchObject({ n: 20, diversity: 0.1, genre_mode: "blend", targets: [] });
  });

  it.each([
    [{}, "Pick a playlist"],
    [{ playlist_id: "../../etc/passwd" }, "playlist_id"],
    [{ playlist_id: "abc", n: 1000 }, "n"],
    [{ playlist_id: "abc", diversity: 2 }, "diversity"],
    [{ playlist_id: "abc", genre_mode: "chaos" }, "genre_mode"],
    [{ playlist_id: "abc", targets: [{ name: "__proto__", value: 1 }] }, "targets"],
    [{ playlist_id: "abc", extra: true }, ""],
  ])("rejects %j with a readable 400", async (input, hint) => {
    const r = validate(S.RecommendInput, input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.res.status).toBe(400);
      const body = await r.res.json();
      expect(body.title).toBe("Invalid request");
      expect(body.detail).toContain(hint);
    }
  });

  it("validates saving a playlist", () => {
    expect(validate(S.SavePlaylistInput, { name: "  ", track_ids: ["abc"] }).ok).toBe(false);
    expect(validate(S.SavePlaylistInput, { name: "Mix", track_ids: [] }).ok).toBe(false);
    expect(validate(S.SavePlaylistInput, { name: "Mix", track_ids: ["abc", "def"] }).ok).toBe(true);
  });

  it("only accepts safe ids in paths", () => {
    expect(S.SpotifyId.safeParse("3n3Ppam7vgaVa1iaRUc9Lp").success).toBe(true);
    expect(S.SpotifyId.safeParse("a/b").success).toBe(false);
    expect(S.JobId.safeParse("..%2F").success).toBe(false);
    expect(S.TrackId.safeParse("12").success).toBe(true);
    expect(S.TrackId.safeParse("-1").success).toBe(false);
  });
});

describe("forward", () => {
  it("forwards with the service token and the user's token, and validates the answer", async () => {
    session.currentTokens.mockResolvedValue({ tokens: TOKENS, rotated: false });
    const calls = backend({ status: 200, body: JOB });
    const res = await forward({ path: "/v1/jobs/job1", schema: S.Job });
    expect(res.status).toBe(200);
    expect((await res.json()).progress_done).toBe(3);
    const headers = calls[0]!.init.headers as Record<string, string>;
    expect(calls[0]!.url).toBe("http://backend.test/v1/jobs/job1");
    expect(headers.Authorization).toBe("Bearer service-token-123");
    expect(headers["X-Spotify-Access-Token"]).toBe("user-at");
    expect(session.setSessionCookie).not.toHaveBeenCalled();
  });

  it("saves rotated tokens on the response", async () => {
    session.currentTokens.mockResolvedValue({ tokens: { ...TOKENS, refreshToken: "rt-2" }, rotated: true });
    backend({ status: 200, body: JOB });
    await forward({ path: "/v1/jobs/job1", schema: S.Job });
    expect(session.setSessionCookie).toHaveBeenCalledOnce();
  });

  it("without a session (or with a refused refresh token) asks to sign in again and clears cookies", async () => {
    session.currentTokens.mockRejectedValue(new ReauthRequired());
    const res = await forward({ path: "/v1/me/library", schema: S.Library });
    expect(res.status).toBe(401);
    expect((await res.json()).code).toBe("reauth");
    expect(session.clearAuthCookies).toHaveBeenCalledOnce();
  });

  it("refreshes once and retries when the backend says Spotify refused the token", async () => {
    session.currentTokens
      .mockResolvedValueOnce({ tokens: TOKENS, rotated: false })
      .mockResolvedValueOnce({ tokens: { ...TOKENS, accessToken: "fresh-at" }, rotated: true });
    const calls = backend(
      { status: 401, body: { type: "about:blank", title: "Unauthorized", status: 401, detail: "The Spotify session has ended; please sign in again." } },
      { status: 200, body: JOB },
    );
    const res = await forward({ path: "/v1/jobs/job1", schema: S.Job });
    expect(res.status).toBe(200);
    expect(session.currentTokens).toHaveBeenLastCalledWith(true);
    expect((calls[1]!.init.headers as Record<string, string>)["X-Spotify-Access-Token"]).toBe("fresh-at");
    expect(session.setSessionCookie).toHaveBeenCalledOnce();
  });

  it("a refused service token is a configuration problem, not a sign-out", async () => {
    session.currentTokens.mockResolvedValue({ tokens: TOKENS, rotated: false });
    backend({ status: 401, body: { title: "Unauthorized", status: 401, detail: "Missing or invalid service token." } });
    const res = await forward({ path: "/v1/jobs/job1", schema: S.Job });
    expect(res.status).toBe(502);
    expect(session.clearAuthCookies).not.toHaveBeenCalled();
  });

  it("turns a 500 into a friendly message without internals", async () => {
    session.currentTokens.mockResolvedValue({ tokens: TOKENS, rotated: false });
    backend({ status: 500, body: { title: "Internal server error", status: 500, detail: 'Traceback (most recent call last): File "x.py"' } });
    const res = await forward({ path: "/v1/map", schema: S.MapResult });
    const body = await res.json();
    expect(res.status).toBe(502);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(JSON.stringify(body)).not.toMatch(/Traceback|x\.py/);
  });

  it("passes on a readable 404 detail", async () => {
    session.currentTokens.mockResolvedValue({ tokens: TOKENS, rotated: false });
    backend({ status: 404, body: { title: "Not found", status: 404, detail: "No track with id 9." } });
    const res = await forward({ path: "/v1/tracks/9", schema: S.Track });
    expect(res.status).toBe(404);
    expect((await res.json()).detail).toBe("No track with id 9.");
  });

  it("an answer of the wrong shape becomes a 502", async () => {
    session.currentTokens.mockResolvedValue({ tokens: TOKENS, rotated: false });
    backend({ status: 200, body: { unexpected: true } });
    vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await forward({ path: "/v1/jobs/x", schema: S.Job });
    expect(res.status).toBe(502);
  });

  it("an unreachable backend becomes a 503", async () => {
    session.currentTokens.mockResolvedValue({ tokens: TOKENS, rotated: false });
    vi.stubGlobal("fetch", vi.fn(async () => { throw new TypeError("fetch failed"); }));
    const res = await forward({ path: "/v1/map", schema: S.MapResult });
    expect(res.status).toBe(503);
  });

  it("passes 202 pending recommendations through", async () => {
    session.currentTokens.mockResolvedValue({ tokens: TOKENS, rotated: false });
    backend({ status: 202, body: { status: "pending", job: JOB, detail: "ingesting" } });
    const res = await forward({ path: "/v1/recommendations", method: "POST", body: { playlist_id: "p" }, schema: S.RecommendResult });
    expect(res.status).toBe(202);
    expect((await res.json()).status).toBe("pending");
  });
});

describe("error mapping", () => {
  it("recognises Spotify rejections", () => {
    expect(isSpotifyRejection(401, { detail: "Spotify access token expired" })).toBe(true);
    expect(isSpotifyRejection(401, { detail: "invalid service token" })).toBe(false);
    expect(isSpotifyRejection(404, { detail: "Spotify" })).toBe(false);
  });
  it("has a message for rate limits", () => {
    expect(friendlyError(429, {}).detail).toMatch(/slow down/);
  });
});

describe("backend shapes", () => {
  it("normalises library tracks and playlists", () => {
    const lib = S.Library.parse({
      playlists: [
        { id: "p1", name: "Mine", owner_name: "Demo", collaborative: false, owned: true, relation: "owned", contents_available: true, track_count: 12, image_url: null, ingested_snapshot_id: "s1", analysed_track_count: 10 },
        { id: null, name: "Imported", owner_name: null, collaborative: false, owned: false, relation: "followed", contents_available: false, track_count: null, image_url: null, ingested_snapshot_id: null, analysed_track_count: 0 },
      ],
      saved_tracks: [{ id: "t1", track_id: 42, title: "Song", artists: ["A", "B"], album: "LP", image_url: null, duration_ms: 1000, audio_status: "analysed", preview_url: null }],
      top_tracks: [{ id: "t2", title: "Not yet read", artists: [] }],
    });
    expect(lib.playlists[0]!.ingested).toBe(true);
    expect(lib.playlists[1]!.ingested).toBe(false);
    expect(lib.saved_tracks[0]).toMatchObject({ spotify_id: "t1", track_id: 42, name: "Song", artists: ["A", "B"], album: "LP" });
    expect(lib.top_tracks[0]!.track_id).toBeNull(); // no track page to link to yet
  });
  it("keeps the notes about a recommendation list, and tolerates a backend without them", () => {
    const base = { status: "ok", index_version: 3, seeds: [], items: [], took_ms: 4 };
    const noted = S.RecommendResult.parse({ ...base, notes: ["Nothing here shares a genre"] });
    expect(noted.status === "ok" && noted.notes).toEqual(["Nothing here shares a genre"]);
    const older = S.RecommendResult.parse(base);
    expect(older.status === "ok" && older.notes).toEqual([]);
  });
  it("refuses a save with Resonance ids instead of Spotify ids", () => {
    expect(validate(S.SavePlaylistInput, { name: "Mix", track_ids: [1, 2] }).ok).toBe(false);
  });
});

describe("forward when the accounts service is down", () => {
  it("answers 503 and keeps the session", async () => {
    const { AccountsUnavailable } = await import("@/lib/auth/tokens");
    session.currentTokens.mockRejectedValue(new AccountsUnavailable("down"));
    const res = await forward({ path: "/v1/map", schema: S.MapResult });
    expect(res.status).toBe(503);
    expect(session.clearAuthCookies).not.toHaveBeenCalled();
  });
});
