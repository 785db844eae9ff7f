import type { NextRequest } from "next/server";
import { forward, readJson, validate } from "@/lib/backend-route";
import { PathInput, PathResult } from "@/lib/journeys";

export const dynamic = "force-dynamic";

export async function POST(req: NextRequest) {
  const input = validate(PathInput, await readJson(req));
  if (!input.ok) return input.res;
  return forward({ path: "/v1/paths", method: "POST", body: input.data, schema: PathResult, timeoutMs: 45_000 });
}
