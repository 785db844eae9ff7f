import type { NextRequest } from "next/server";
import { z } from "zod";
import { proxy, validate } from "@/lib/proxy";
import { MapResult } from "@/lib/schemas";

export const dynamic = "force-dynamic";

const Query = z.object({ limit: z.coerce.number().int().min(10).max(20000).default(5000) });

export async function GET(req: NextRequest) {
  const q = validate(Query, Object.fromEntries(req.nextUrl.searchParams));
  if (!q.ok) return q.res;
  // The first map after a rebuild computes the projection: allow it time.
  return proxy({ path: "/v1/map", search: { limit: q.data.limit }, schema: MapResult, timeoutMs: 90_000 });
}
