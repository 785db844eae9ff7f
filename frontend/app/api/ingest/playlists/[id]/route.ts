import { forward, validate } from "@/lib/backend-route";
import { Job, PlaylistKey } from "@/lib/schemas";

export const dynamic = "force-dynamic";

export async function POST(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  const id = validate(PlaylistKey, (await ctx.params).id);
  if (!id.ok) return id.res;
  return forward({ path: `/v1/ingest/playlists/${id.data}`, method: "POST", schema: Job });
}
