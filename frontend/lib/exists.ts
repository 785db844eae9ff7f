import "server-only";
/**
 * Whether the API knows a thing, asked by a page before it renders, so that an unknown
 * id answers HTTP 404 with the not-found page instead of a 200 page that later shows an
 * error. Only a clear 404 counts: any other failure renders the page, whose own request
 * then shows the real problem with a way to retry.
 */
import { z } from "zod";
import { readSession } from "@/lib/auth/session";
import { needsRefresh } from "@/lib/auth/tokens";
import { callBackend } from "@/lib/backend";

/**
 * True when the API answers 404 for `path` (with the listener's Spotify token if it is fresh).
 * With `code`, only a 404 of that problem code counts: a playlist not read yet is a 404 too,
 * but its page offers to read it, so only "not_found" (Spotify has no such playlist) is unknown.
 */
export async function isUnknown(path: string, opts: { spotify?: boolean; code?: string } = {}): Promise<boolean> {
  let spotifyToken: string | undefined;
  if (opts.spotify) {
    // A page cannot store a rotated refresh token (only route handlers set cookies), so a
    // stale access token is not refreshed here: the page renders and its own call refreshes.
    const tokens = await readSession();
    if (!tokens || needsRefresh(tokens)) return false;
    spotifyToken = tokens.accessToken;
  }
  const result = await callBackend({ path, schema: z.unknown(), spotifyToken, timeoutMs: 10_000 });
  if (result.ok || result.error.status !== 404) return false;
  return opts.code === undefined || result.error.code === opts.code;
}
