import type { NextRequest } from "next/server";
import { forward, readJson, validate } from "@/lib/backend-route";
import { RadioBatch, RadioStartInput } from "@/lib/journeys";

export const dynamic = "force-dynamic";

export async function POST(req: NextRequest) {
  const input = validate(RadioStartInput, await readJson(req));
  if (!input.ok) return input.res;
  return forward({ path: "/v1/radio", method: "POST", body: input.data, schema: RadioBatch, timeoutMs: 45_000 });
}
