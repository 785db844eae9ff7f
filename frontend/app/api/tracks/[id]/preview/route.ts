import type { NextRequest } from "next/server";
import { forwardAudio, validate } from "@/lib/backend-route";
import { TrackId } from "@/lib/schemas";

export const dynamic = "force-dynamic";

/** A track's preview clip from the ISRC preview provider, served by the API (a card's preview). */
export async function GET(_req: NextRequest, ctx: { params: Promise<{ id: string }> }) {
  const id = validate(TrackId, (await ctx.params).id);
  if (!id.ok) return id.res;
  return forwardAudio(`/v1/tracks/${id.data}/preview`);
}
