import type { NextRequest } from "next/server";
import { crossSite } from "@/lib/origin";
import { proxy, validate } from "@/lib/backend-route";
import { Job, SpotifyId } from "@/lib/schemas";

export const dynamic = "force-dynamic";

export async function POST(req: NextRequest, ctx: { params: Promise<{ id: string }> }) {
  const denied = crossSite(req);
  if (denied) return denied;
  const id = validate(SpotifyId, (await ctx.params).id);
  if (!id.ok) return id.res;
  return proxy({ path: `/v1/ingest/playlists/${id.data}`, method: "POST", schema: Job });
}
