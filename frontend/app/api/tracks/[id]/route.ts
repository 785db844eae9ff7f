import { forward, validate } from "@/lib/backend-route";
import { Track, TrackId } from "@/lib/schemas";

export const dynamic = "force-dynamic";

export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  const id = validate(TrackId, (await ctx.params).id);
  if (!id.ok) return id.res;
  return forward({ path: `/v1/tracks/${id.data}`, schema: Track });
}
