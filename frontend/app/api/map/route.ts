import type { NextRequest } from "next/server";
import { z } from "zod";
import { MAP } from "@/lib/api/limits";
import { forward, validate } from "@/lib/backend-route";
import { MapAnswer } from "@/lib/schemas";

export const dynamic = "force-dynamic";

const Query = z.object({ limit: z.coerce.number().int().min(MAP.limit.min).max(MAP.limit.max).default(MAP.limit.default) });

export async function GET(req: NextRequest) {
  const q = validate(Query, Object.fromEntries(req.nextUrl.searchParams));
  if (!q.ok) return q.res;
  // The layout is computed when the index is built: the API answers at once, with 202 and
  // its progress while a catalogue's first layout is still being computed.
  return forward({ path: "/v1/map", search: { limit: q.data.limit }, schema: MapAnswer, timeoutMs: 30_000 });
}
