import "server-only";
/**
 * Bounds of the journey requests (paths, flow order, radio), read from the API's OpenAPI
 * document like lib/api/limits.ts, so the zod schemas in lib/journeys.ts never repeat numbers.
 */
import { z } from "zod";
import document from "./openapi.json";

const Bounded = z.object({ minimum: z.number(), maximum: z.number(), default: z.number() });
const Items = z.object({ maxItems: z.number().int(), minItems: z.number().int().default(0) });

const OpenApi = z.object({
  components: z.object({
    schemas: z.object({
      PathRequest: z.object({ properties: z.object({ steps: Bounded }) }),
      OrderRequest: z.object({ properties: z.object({ track_ids: Items }) }),
      RadioStart: z.object({ properties: z.object({ seed_track_ids: Items, n: Bounded }) }),
    }),
  }),
});

const schemas = OpenApi.parse(document).components.schemas;

export const JOURNEYS = {
  steps: { min: schemas.PathRequest.properties.steps.minimum, max: schemas.PathRequest.properties.steps.maximum },
  defaultSteps: schemas.PathRequest.properties.steps.default,
  order: { min: schemas.OrderRequest.properties.track_ids.minItems, max: schemas.OrderRequest.properties.track_ids.maxItems },
  seeds: { min: schemas.RadioStart.properties.seed_track_ids.minItems, max: schemas.RadioStart.properties.seed_track_ids.maxItems },
  batch: {
    min: schemas.RadioStart.properties.n.minimum,
    max: schemas.RadioStart.properties.n.maximum,
    default: schemas.RadioStart.properties.n.default,
  },
} as const;
