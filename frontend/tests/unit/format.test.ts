import { describe, expect, it } from "vitest";
import { plural } from "@/lib/format";

describe("plural", () => {
  it("puts the noun in the number the count needs", () => {
    expect(plural(1, "track")).toBe("1 track");
    expect(plural(0, "track")).toBe("0 tracks");
    expect(plural(40, "track")).toBe("40 tracks");
    expect(plural(1200, "playlist")).toBe("1,200 playlists");
    expect(plural(2, "match", "matches")).toBe("2 matches");
  });
});
