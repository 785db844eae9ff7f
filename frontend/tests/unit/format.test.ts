import { describe, expect, it } from "vitest";
import { plural, previewOf } from "@/lib/format";

describe("plural", () => {
  it("puts the noun in the number the count needs", () => {
    expect(plural(1, "track")).toBe("1 track");
    expect(plural(0, "track")).toBe("0 tracks");
    expect(plural(40, "track")).toBe("40 tracks");
    expect(plural(1200, "playlist")).toBe("1,200 playlists");
    expect(plural(2, "match", "matches")).toBe("2 matches");
  });
});

describe("previewOf", () => {
  it("plays a provider's clip from this app's route, crediting the provider", () => {
    const track = { id: 42, preview_url: null, preview: { url: "/v1/tracks/42/preview", source: "Deezer" } };
    expect(previewOf(track)).toEqual({ src: "/api/tracks/42/preview", source: "Deezer" });
  });
  it("plays Spotify's clip from Spotify", () => {
    const url = "https://p.scdn.co/mp3-preview/abc";
    expect(previewOf({ id: 1, preview_url: url, preview: { url, source: "Spotify" } })).toEqual({ src: url, source: "Spotify" });
    expect(previewOf({ id: 1, preview_url: url })).toEqual({ src: url, source: "Spotify" });
  });
  it("offers nothing without a clip", () => {
    expect(previewOf({ id: 1, preview_url: null, preview: null })).toBeNull();
  });
});
