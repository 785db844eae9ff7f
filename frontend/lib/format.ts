import type { Job } from "@/lib/schemas";

export function artistNames(artists: ReadonlyArray<string | { name: string }>): string {
  return artists.map((a) => (typeof a === "string" ? a : a.name)).join(", ");
}

/** A recommendation's match (0–100, the API's `match`): the one score scale listeners see. */
export function matchText(match: number): string {
  return `${Math.round(match)}%`;
}

/** "1 track", "40 tracks": a count with its noun in the right number. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
}

export function percent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

export const BLOCK_LABELS: Record<string, string> = {
  audio: "Sound",
  spotify: "Spotify features",
  genre: "Genre",
  cooc: "Listened together",
  playlists: "Shared playlists",
  targets: "Your targets",
};

export function blockLabel(block: string): string {
  return BLOCK_LABELS[block] ?? block.replace(/_/g, " ");
}

export const JOB_STATE_TEXT: Record<Job["state"], string> = {
  queued: "Waiting to start…",
  running: "Analysing…",
  done: "Analysis complete",
  failed: "Analysis failed",
  waiting_rate_limit: "Spotify asked us to slow down; resuming shortly…",
  quota_exceeded: "Spotify's quota for this app is used up. Try again later.",
  needs_reauth: "Spotify needs you to sign in again.",
};

export function audioStatusText(status: string | null | undefined): string {
  switch (status) {
    case "done":
    case "analysed":
    case "ok":
      return "Analysed";
    case "pending":
    case "queued":
      return "Waiting for analysis";
    case "no_audio":
    case "unavailable":
      return "No audio available";
    case "failed":
      return "Analysis failed";
    case null:
    case undefined:
    case "":
    case "unknown":
      return "Not analysed yet";
    default:
      return status.replace(/_/g, " ");
  }
}

/** Stable, well-separated colours for genres (golden-angle hues). */
export function genreColour(index: number): string {
  const hue = Math.round((index * 137.508) % 360);
  return `hsl(${hue} 62% 52%)`;
}

/**
 * The address a track's preview plays from, and whom to credit. A provider's clip comes from
 * the API's /v1/tracks/{id}/preview, which this app serves at /api/tracks/{id}/preview (same
 * origin, so the page's CSP needs nothing more); Spotify's clips play from Spotify.
 */
export function previewOf(track: {
  id: number;
  preview_url?: string | null;
  preview?: { url: string; source: string } | null;
}): { src: string; source: string } | null {
  const p = track.preview;
  if (p) {
    const api = p.url.match(/^\/v1\/tracks\/(\d+)\/preview$/);
    return { src: api ? `/api/tracks/${api[1]}/preview` : p.url, source: p.source };
  }
  return track.preview_url ? { src: track.preview_url, source: "Spotify" } : null;
}
