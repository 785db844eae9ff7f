import type { NextRequest } from "next/server";
import { forward, readJson, validate } from "@/lib/backend-route";
import { RecommendInput, RecommendResult } from "@/lib/schemas";

export const dynamic = "force-dynamic";

export async function POST(req: NextRequest) {
  const input = validate(RecommendInput, await readJson(req));
  if (!input.ok) return input.res;
  return forward(
    { path: "/v1/recommendations", method: "POST", body: input.data, schema: RecommendResult, timeoutMs: 45_000 },
    // 202 (ingestion still running) is passed on so the page can show progress.
  );
}
