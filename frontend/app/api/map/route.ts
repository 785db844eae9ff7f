import type { NextRequest } from "next/server";
import { z } from "zod";
import { MAP } from "@/lib/api/limits";
import { forward, validate } from "@/lib/backend-route";
import { MapResult } from "@/lib/schemas";

export const dynamic = "force-dynamic";

const Query = z.object({ limit: z.coerce.number().int().min(MAP.limit.min).max(MAP.limit.max).default(MAP.limit.default) });

export async function GET(req: NextRequest) {
  const q = validate(Query, Object.fromEntries(req.nextUrl.searchParams));
  if (!q.ok) return q.res;
  // The first map after a rebuild computes the projection: allow it time.
  return forward({ path: "/v1/map", search: { limit: q.data.limit }, schema: MapResult, timeoutMs: 90_000 });
}
