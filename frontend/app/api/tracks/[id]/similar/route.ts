import type { NextRequest } from "next/server";
import { z } from "zod";
import { SIMILAR } from "@/lib/api/limits";
import { forward, validate } from "@/lib/backend-route";
import { SimilarResult, TrackId } from "@/lib/schemas";

export const dynamic = "force-dynamic";

const Query = z.object({ n: z.coerce.number().int().min(SIMILAR.n.min).max(SIMILAR.n.max).default(SIMILAR.n.default) });

export async function GET(req: NextRequest, ctx: { params: Promise<{ id: string }> }) {
  const id = validate(TrackId, (await ctx.params).id);
  if (!id.ok) return id.res;
  const q = validate(Query, Object.fromEntries(req.nextUrl.searchParams));
  if (!q.ok) return q.res;
  return forward({ path: `/v1/tracks/${id.data}/similar`, search: { n: q.data.n }, schema: SimilarResult });
}
