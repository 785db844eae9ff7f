import type { NextRequest } from "next/server";
import { forward, readJson, validate } from "@/lib/backend-route";
import { RadioBatch, RadioNextInput, RadioSessionId } from "@/lib/journeys";

export const dynamic = "force-dynamic";

export async function POST(req: NextRequest, ctx: { params: Promise<{ id: string }> }) {
  const id = validate(RadioSessionId, (await ctx.params).id);
  if (!id.ok) return id.res;
  const input = validate(RadioNextInput, (await readJson(req)) ?? {});
  if (!input.ok) return input.res;
  return forward({ path: `/v1/radio/${id.data}/next`, method: "POST", body: input.data, schema: RadioBatch });
}
