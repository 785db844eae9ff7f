import { forward } from "@/lib/backend-route";
import { Library } from "@/lib/schemas";

export const dynamic = "force-dynamic";

export async function GET() {
  return forward({ path: "/v1/me/library", schema: Library });
}
