import "server-only";
/**
 * Journeys across our boundaries, as zod schemas: song paths, flow order and the radio
 * (mirrors backend/src/resonance/recommend/journeys.py and recommend/radio/schemas.py).
 * Client components import the types only (`import type`).
 */
import { z } from "zod";
import { JOURNEYS } from "@/lib/api/journey-limits";
import { Track } from "@/lib/schemas";

const id = z.number().int().positive();

// ---------- backend responses ----------

export const PathResult = z.object({
  steps: z.array(
    z.object({ track: Track, similarity_to_previous: z.number(), similarity_to_end: z.number(), sentence: z.string() }),
  ),
});
export type PathResult = z.infer<typeof PathResult>;

export const OrderResult = z.object({
  tracks: z.array(Track),
  transition_costs: z.array(z.number()),
  total: z.number(),
  original_total: z.number(),
});
export type OrderResult = z.infer<typeof OrderResult>;

export const RadioBatch = z.object({
  session_id: z.string().regex(/^[0-9a-f]{32}$/),
  expires_at: z.string(),
  tracks: z.array(z.object({ track: Track, score: z.number(), because: z.string() })),
  changes: z.array(z.string()).default([]),
});
export type RadioBatch = z.infer<typeof RadioBatch>;

export const FeedbackResult = z.object({
  session_id: z.string(),
  expires_at: z.string(),
  likes: z.number(),
  skips: z.number(),
  dislikes: z.number(),
});
export type FeedbackResult = z.infer<typeof FeedbackResult>;

// ---------- browser → our route handlers ----------

export const PathInput = z
  .object({
    from_track: id,
    to_track: id,
    steps: z.number().int().min(JOURNEYS.steps.min).max(JOURNEYS.steps.max).default(JOURNEYS.defaultSteps),
  })
  .strict();

export const Arc = z.object({
  descriptor: z.enum(["energy", "tempo_bpm", "brightness"]),
  shape: z.enum(["rising", "falling", "peak"]),
});
export type Arc = z.infer<typeof Arc>;

export const OrderInput = z
  .object({ track_ids: z.array(id).min(JOURNEYS.order.min).max(JOURNEYS.order.max), arc: Arc.nullish() })
  .strict();

export const RadioStartInput = z
  .object({
    seed_track_ids: z.array(id).min(JOURNEYS.seeds.min).max(JOURNEYS.seeds.max),
    n: z.number().int().min(JOURNEYS.batch.min).max(JOURNEYS.batch.max).default(JOURNEYS.batch.default),
  })
  .strict();

export const RadioNextInput = z
  .object({ n: z.number().int().min(JOURNEYS.batch.min).max(JOURNEYS.batch.max).default(JOURNEYS.batch.default) })
  .strict();

export const FeedbackInput = z.object({ track_id: id, signal: z.enum(["like", "skip", "dislike"]) }).strict();
export type Signal = z.infer<typeof FeedbackInput>["signal"];

export const RadioSessionId = z.string().regex(/^[0-9a-f]{32}$/, "not a radio session id");
