/**
 * The shapes crossing our boundaries, as zod schemas: what the browser may send to our
 * route handlers, and what the backend answers (mirrors backend/src/resonance/*\/schemas.py).
 * Request bounds and defaults come from the API's OpenAPI document (lib/api/limits.ts);
 * tests/unit/contract.test.ts fails when these schemas and the generated types drift apart.
 * Client components may import types from here, never values (limits.ts is server-only).
 */
import { z } from "zod";
import { RECOMMEND, SAVE_PLAYLIST } from "@/lib/api/limits";

const spotifyId = z.string().regex(/^[A-Za-z0-9]{1,64}$/, "not a Spotify id");
export const SpotifyId = spotifyId;
/**
 * A playlist's id in our API: its Spotify id, or "imported-<n>" for one imported from an
 * Exportify file (backend catalog/playlists.py playlist_key; a Spotify id has no hyphen).
 */
const playlistKey = z.string().regex(/^(?:[A-Za-z0-9]{1,64}|imported-[1-9][0-9]{0,9})$/, "not a playlist id");
export const PlaylistKey = playlistKey;
/** Where a playlist's tracks came from: Spotify, or a file imported with `resonance import exportify`. */
const playlistSource = z.string().default("spotify");

// ---------- backend responses ----------

export const Artist = z.object({ id: z.number(), name: z.string(), spotify_id: z.string().nullish() });

export const Track = z.object({
  id: z.number(),
  spotify_id: z.string().nullish(),
  name: z.string(),
  artists: z.array(Artist).default([]),
  album: z.string().nullish(),
  image_url: z.string().nullish(),
  duration_ms: z.number().nullish(),
  explicit: z.boolean().default(false),
  preview_url: z.string().nullish(),
  /** What to play: Spotify's clip, or the ISRC preview provider's served by the API. */
  preview: z.object({ url: z.string(), source: z.string() }).nullish(),
  genres: z.array(z.string()).default([]),
  descriptors: z.record(z.string(), z.union([z.number(), z.string(), z.null()])).default({}),
  audio_status: z.string().default("unknown"),
});
export type Track = z.infer<typeof Track>;

export const Comparison = z.object({ name: z.string(), value: z.number(), seeds: z.number(), text: z.string() });
export type Comparison = z.infer<typeof Comparison>;

export const Explanation = z.object({
  shares: z.record(z.string(), z.number()).default({}),
  imputed_blocks: z.array(z.string()).default([]),
  closest: z.array(Comparison).default([]),
  farthest: z.array(Comparison).default([]),
  shared_genres: z.array(z.string()).default([]),
  related_genres: z
    .array(z.object({ genre: z.string(), seed_genre: z.string(), similarity: z.number() }))
    .default([]),
  seeds_in_common_playlists: z.number().default(0),
  common_playlists: z.number().default(0),
  diversity_note: z.string().nullish(),
  genre_similarity: z.number().nullish(),
  /** Where a discovered track came from (also the first of `sentences`). */
  provenance: z.string().nullish(),
  /** A discovered track's badge: who found it ("New · Spotify"). */
  found_by: z.string().nullish(),
  sentences: z.array(z.string()).default([]),
  /** The score's parts in words ("Sound 62%, Genre 30%"): the same in the bar, the API and the CLI. */
  summary: z.string().default(""),
});
export type Explanation = z.infer<typeof Explanation>;

export const Recommendation = z.object({
  rank: z.number(),
  score: z.number(),
  /** The one scale shown to listeners: 0–100 % of the best score possible (docs/recommendations.md). */
  match: z.number().min(0).max(100),
  track: Track,
  explanation: Explanation,
});
export type Recommendation = z.infer<typeof Recommendation>;

export const Job = z.object({
  id: z.string(),
  kind: z.string(),
  target: z.string().nullish(),
  state: z.enum(["queued", "running", "done", "failed", "waiting_rate_limit", "quota_exceeded", "needs_reauth"]),
  stage: z.string().nullish(),
  progress_done: z.number().default(0),
  progress_total: z.number().nullish(),
  counters: z.record(z.string(), z.unknown()).default({}),
  error: z.string().nullish(),
  resume_at: z.string().nullish(),
});
export type Job = z.infer<typeof Job>;

/** How discovery of new music for the listener is going (with source "new"). */
export const Discovery = z.object({
  state: z.enum(["finding", "paused", "done", "failed", "none"]),
  found: z.number().int().nonnegative(),
  job_id: z.string().nullish(),
  /** The same words as the API's first note and the CLI. */
  message: z.string().nullish(),
});
export type Discovery = z.infer<typeof Discovery>;

export const RecommendResult = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("ok"),
    index_version: z.number(),
    seeds: z.array(Track).default([]),
    items: z.array(Recommendation),
    /** About the list as a whole, e.g. that nothing in the catalogue resembles the seeds. */
    notes: z.array(z.string()).default([]),
    discovery: Discovery.nullish(),
    took_ms: z.number().default(0),
  }),
  z.object({ status: z.literal("pending"), job: Job, detail: z.string().default("") }),
]);
export type RecommendResult = z.infer<typeof RecommendResult>;

export const SimilarResult = z.object({ index_version: z.number(), track: Track, items: z.array(Recommendation) });
export type SimilarResult = z.infer<typeof SimilarResult>;

/** The map's points in columns, row i of each list being one track (backend MapResponse). */
export const MapResult = z
  .object({
    status: z.literal("ok").default("ok"),
    index_version: z.number(),
    /** The version whose layout placed the tracks: an earlier one while the newest is laid out. */
    layout_version: z.number().optional(),
    total: z.number(),
    ids: z.array(z.number().int()),
    x: z.array(z.number()),
    y: z.array(z.number()),
    genre: z.array(z.number().int()),
    names: z.array(z.string()),
    genres: z.array(z.string()).default([]),
  })
  .refine((m) => [m.x, m.y, m.genre, m.names].every((column) => column.length === m.ids.length), {
    message: "map columns differ in length",
  });
export type MapResult = z.infer<typeof MapResult>;

/** 202 from /v1/map: the catalogue's first layout is being computed (backend MapPending). */
export const MapPending = z.object({
  status: z.literal("laying_out"),
  index_version: z.number(),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  detail: z.string(),
});
export type MapPending = z.infer<typeof MapPending>;

/** What GET /api/map answers: the map, or how far its first layout has got. */
export const MapAnswer = z.union([MapPending, MapResult]);
export type MapAnswer = z.infer<typeof MapAnswer>;

const imageUrl = z
  .union([z.string(), z.null()])
  .optional()
  .transform((v) => v ?? null);

/** A playlist in the library (backend ingest/schemas.py PlaylistSummary). */
export const LibraryPlaylist = z
  .object({
    id: z.string().nullish(),
    name: z.string(),
    owner_name: z.string().nullish(),
    collaborative: z.boolean().default(false),
    owned: z.boolean().default(false),
    relation: z.string().nullish(),
    source: playlistSource,
    contents_available: z.boolean().default(true),
    track_count: z.number().nullish(),
    image_url: imageUrl,
    ingested_snapshot_id: z.string().nullish(),
    analysed_track_count: z.number().default(0),
  })
  .transform((p) => ({ ...p, ingested: p.ingested_snapshot_id != null, imported: p.source === "exportify" }));
export type LibraryPlaylist = z.output<typeof LibraryPlaylist>;

/** A track in the library or a playlist (TrackSummary: `id` is the Spotify id there). */
export const LibraryTrack = z
  .object({
    id: z.union([z.string(), z.number()]).nullish(),
    /** Resonance's id, once the track is in the catalogue (links to /track/[id]). */
    track_id: z.number().int().positive().nullish(),
    title: z.string().optional(),
    name: z.string().optional(),
    artists: z.array(z.union([z.string(), z.object({ name: z.string() }).loose()])).default([]),
    album: z.union([z.string(), z.object({ name: z.string() }).loose()]).nullish(),
    image_url: imageUrl,
    duration_ms: z.number().nullish(),
    audio_status: z.string().nullish(),
    preview_url: z.string().nullish(),
  })
  .transform((t) => ({
    spotify_id: typeof t.id === "string" ? t.id : null,
    track_id: t.track_id ?? null,
    name: t.title ?? t.name ?? "Untitled",
    artists: t.artists.map((a) => (typeof a === "string" ? a : a.name)),
    album: typeof t.album === "string" ? t.album : (t.album?.name ?? null),
    image_url: t.image_url,
    duration_ms: t.duration_ms ?? null,
    audio_status: t.audio_status ?? null,
    preview_url: t.preview_url ?? null,
  }));
export type LibraryTrack = z.output<typeof LibraryTrack>;

export const Library = z.object({
  playlists: z.array(LibraryPlaylist).default([]),
  saved_tracks: z.array(LibraryTrack).default([]),
  top_tracks: z.array(LibraryTrack).default([]),
});
export type Library = z.output<typeof Library>;

/** An ingested playlist with its tracks (PlaylistOut). */
export const PlaylistDetail = z
  .object({
    id: z.string().nullish(),
    name: z.string(),
    description: z.string().nullish(),
    owner_name: z.string().nullish(),
    collaborative: z.boolean().default(false),
    contents_available: z.boolean().default(true),
    image_url: imageUrl,
    source: playlistSource,
    snapshot_id: z.string().nullish(),
    ingested_snapshot_id: z.string().nullish(),
    tracks: z.array(LibraryTrack).default([]),
  })
  .transform((p) => ({ ...p, ingested: p.ingested_snapshot_id != null, imported: p.source === "exportify" }));
export type PlaylistDetail = z.output<typeof PlaylistDetail>;

export const SavedPlaylist = z
  .object({ id: z.string(), url: z.string().nullish(), name: z.string(), already_saved: z.boolean().default(false) })
  .loose();
export type SavedPlaylist = z.infer<typeof SavedPlaylist>;

export const Problem = z
  .object({
    type: z.string().optional(),
    title: z.string().optional(),
    status: z.number().optional(),
    detail: z.string().optional(),
    code: z.string().optional(),
  })
  .loose();
export type Problem = z.infer<typeof Problem>;

// ---------- browser → our route handlers ----------

export const TrackId = z.coerce.number().int().positive();
export const JobId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "not a job id");

/** The descriptors the page offers as targets (the API accepts any descriptor name). */
export const TARGET_NAMES = ["energy", "brightness", "percussiveness", "tempo_bpm"] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export const RecommendInput = z
  .object({
    playlist_id: playlistKey.optional(),
    track_ids: z.array(z.number().int().positive()).max(RECOMMEND.trackIds.max).optional(),
    spotify_track_ids: z.array(spotifyId).max(RECOMMEND.spotifyTrackIds.max).optional(),
    n: z.number().int().min(RECOMMEND.n.min).max(RECOMMEND.n.max).default(RECOMMEND.n.default),
    diversity: z.number().min(RECOMMEND.diversity.min).max(RECOMMEND.diversity.max).default(RECOMMEND.diversity.default),
    genre_mode: z.enum(RECOMMEND.genreMode.values).default(RECOMMEND.genreMode.default),
    source: z.enum(RECOMMEND.source.values).default(RECOMMEND.source.default),
    targets: z
      .array(
        z.object({
          name: z.enum(TARGET_NAMES),
          // The API takes any value; these cover the descriptors' ranges (0–1, and BPM for tempo).
          value: z.number().min(0).max(300),
          strength: z
            .number()
            .min(RECOMMEND.targetStrength.min)
            .max(RECOMMEND.targetStrength.max)
            .default(RECOMMEND.targetStrength.default),
        }),
      )
      .max(RECOMMEND.targets.max)
      .default([]),
    wait_seconds: z.number().min(RECOMMEND.waitSeconds.min).max(RECOMMEND.waitSeconds.max).optional(),
  })
  .strict()
  .refine((v) => v.playlist_id || v.track_ids?.length || v.spotify_track_ids?.length, {
    message: "Pick a playlist or some tracks to start from.",
  });
export type RecommendInput = z.input<typeof RecommendInput>;

export const SavePlaylistInput = z
  .object({
    name: z.string().trim().min(SAVE_PLAYLIST.name.min, "Give the playlist a name.").max(SAVE_PLAYLIST.name.max),
    description: z.string().max(SAVE_PLAYLIST.description.max).optional(),
    /** Spotify track ids, in order: one list of recommendations, so no longer than the longest list. */
    track_ids: z.array(spotifyId).min(SAVE_PLAYLIST.trackIds.min, "There is nothing to save.").max(RECOMMEND.n.max),
  })
  .strict();
export type SavePlaylistInput = z.infer<typeof SavePlaylistInput>;
