import { forward } from "@/lib/backend-route";
import { Job } from "@/lib/schemas";

export const dynamic = "force-dynamic";

export async function POST() {
  return forward({ path: "/v1/ingest/library", method: "POST", schema: Job });
}
