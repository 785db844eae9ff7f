import "server-only";
/**
 * Request defaults and limits, read from the API's own OpenAPI document (lib/api/openapi.json,
 * refreshed by `npm run gen:api`). The backend's pydantic schemas are the one source: the zod
 * schemas in lib/schemas.ts and the controls on the recommendations page take their bounds from
 * here instead of repeating numbers. The document is parsed with zod too, so a reshaped schema
 * fails at build time rather than silently loosening a check.
 *
 * Server-only so the 50 kB document stays out of the browser: pages hand the few values
 * their client components need down as props (see `RecommendControlLimits`).
 */
import { z } from "zod";
import document from "./openapi.json";
import type { components } from "./types";

type Schemas = components["schemas"];
export type RecommendRequest = Schemas["RecommendRequest"];
export type PlaylistCreate = Schemas["PlaylistCreate"];
export type GenreMode = NonNullable<RecommendRequest["genre_mode"]>;
export type Source = NonNullable<RecommendRequest["source"]>;

const Bounded = z.object({ minimum: z.number(), maximum: z.number(), default: z.number() });
const Items = z.object({ maxItems: z.number().int(), minItems: z.number().int().default(0) });
const Text = z.object({ maxLength: z.number().int(), minLength: z.number().int().default(0) });

const OpenApi = z.object({
  components: z.object({
    schemas: z.object({
      RecommendRequest: z.object({
        properties: z.object({
          n: Bounded,
          diversity: Bounded,
          genre_mode: z.object({ enum: z.array(z.string()).min(1), default: z.string() }),
          source: z.object({ enum: z.array(z.string()).min(1), default: z.string() }),
          targets: Items,
          wait_seconds: Bounded,
          track_ids: Items,
          spotify_track_ids: Items,
        }),
      }),
      TargetIn: z.object({ properties: z.object({ strength: Bounded }) }),
      PlaylistCreate: z.object({
        properties: z.object({
          name: Text,
          // `str | None` with a max length: the bound sits on the string branch.
          description: z.object({ anyOf: z.array(z.object({ maxLength: z.number().int() }).partial()) }),
          track_ids: Items,
        }),
      }),
    }),
  }),
  paths: z.object({
    "/v1/map": z.object({ get: z.object({ parameters: z.array(z.object({ name: z.string(), schema: z.unknown() })) }) }),
    "/v1/tracks/{track_id}/similar": z.object({
      get: z.object({ parameters: z.array(z.object({ name: z.string(), schema: z.unknown() })) }),
    }),
  }),
});

const doc = OpenApi.parse(document);
const request = doc.components.schemas.RecommendRequest.properties;
const save = doc.components.schemas.PlaylistCreate.properties;

function queryParameter(parameters: ReadonlyArray<{ name: string; schema: unknown }>, name: string) {
  const found = parameters.find((p) => p.name === name);
  if (!found) throw new Error(`lib/api/openapi.json: no query parameter "${name}"`);
  return Bounded.parse(found.schema);
}

function bounds({ minimum, maximum, default: initial }: z.infer<typeof Bounded>) {
  return { min: minimum, max: maximum, default: initial } as const;
}

// types.ts is generated from the same document, so its GenreMode union names these values.
const genreModes = request.genre_mode.enum as GenreMode[];
const genreDefault = genreModes.find((m) => m === request.genre_mode.default);
if (!genreDefault) throw new Error("lib/api/openapi.json: genre_mode's default is not one of its values");

const sources = request.source.enum as Source[];
const sourceDefault = sources.find((m) => m === request.source.default);
if (!sourceDefault) throw new Error("lib/api/openapi.json: source's default is not one of its values");

/** POST /v1/recommendations (RecommendRequest). */
export const RECOMMEND = {
  n: bounds(request.n),
  diversity: bounds(request.diversity),
  genreMode: { values: genreModes as readonly GenreMode[], default: genreDefault },
  source: { values: sources as readonly Source[], default: sourceDefault },
  targets: { max: request.targets.maxItems },
  targetStrength: bounds(doc.components.schemas.TargetIn.properties.strength),
  waitSeconds: bounds(request.wait_seconds),
  trackIds: { max: request.track_ids.maxItems },
  spotifyTrackIds: { max: request.spotify_track_ids.maxItems },
} as const;

const descriptionMax = save.description.anyOf.find((b) => b.maxLength !== undefined)?.maxLength;
if (descriptionMax === undefined) throw new Error("lib/api/openapi.json: PlaylistCreate.description has no maxLength");

/** POST /v1/playlists (PlaylistCreate). */
export const SAVE_PLAYLIST = {
  name: { min: save.name.minLength, max: save.name.maxLength },
  description: { max: descriptionMax },
  trackIds: { min: save.track_ids.minItems, max: save.track_ids.maxItems },
} as const;

/** GET /v1/map?limit= */
export const MAP = { limit: bounds(queryParameter(doc.paths["/v1/map"].get.parameters, "limit")) } as const;

/** GET /v1/tracks/{id}/similar?n= */
export const SIMILAR = {
  n: bounds(queryParameter(doc.paths["/v1/tracks/{track_id}/similar"].get.parameters, "n")),
} as const;

/** What the recommendations page's client components need, passed down as a prop. */
export type RecommendControlLimits = Pick<typeof RECOMMEND, "n" | "diversity" | "genreMode" | "source"> & {
  playlistName: typeof SAVE_PLAYLIST.name;
};
export const RECOMMEND_CONTROL_LIMITS: RecommendControlLimits = {
  n: RECOMMEND.n,
  diversity: RECOMMEND.diversity,
  genreMode: RECOMMEND.genreMode,
  source: RECOMMEND.source,
  playlistName: SAVE_PLAYLIST.name,
};
