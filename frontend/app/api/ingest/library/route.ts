import type { NextRequest } from "next/server";
import { crossSite } from "@/lib/origin";
import { proxy } from "@/lib/backend-route";
import { Job } from "@/lib/schemas";

export const dynamic = "force-dynamic";

export async function POST(req: NextRequest) {
  const denied = crossSite(req);
  if (denied) return denied;
  return proxy({ path: "/v1/ingest/library", method: "POST", schema: Job });
}
