import { forward, validate } from "@/lib/backend-route";
import { Job, JobId } from "@/lib/schemas";

export const dynamic = "force-dynamic";

export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  const id = validate(JobId, (await ctx.params).id);
  if (!id.ok) return id.res;
  return forward({ path: `/v1/jobs/${encodeURIComponent(id.data)}`, schema: Job });
}
