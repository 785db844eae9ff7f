import type { NextRequest } from "next/server";
import { forward, readJson, validate } from "@/lib/backend-route";
import { OrderInput, OrderResult } from "@/lib/journeys";

export const dynamic = "force-dynamic";

export async function POST(req: NextRequest) {
  const input = validate(OrderInput, await readJson(req));
  if (!input.ok) return input.res;
  return forward({ path: "/v1/order", method: "POST", body: input.data, schema: OrderResult, timeoutMs: 45_000 });
}
