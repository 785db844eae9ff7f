import type { NextRequest } from "next/server";
import { forward, readJson, validate } from "@/lib/backend-route";
import { SavedPlaylist, SavePlaylistInput } from "@/lib/schemas";

export const dynamic = "force-dynamic";

/**
 * Save a list of recommendations as a playlist in the user's Spotify (or the sandbox): 201 when
 * made now, 200 with `already_saved` when the same list was saved before (no second copy).
 */
export async function POST(req: NextRequest) {
  const input = validate(SavePlaylistInput, await readJson(req));
  if (!input.ok) return input.res;
  return forward({ path: "/v1/playlists", method: "POST", body: input.data, schema: SavedPlaylist });
}
