import "server-only";
import { redirect } from "next/navigation";
import { hasSession } from "@/lib/auth/session";

/** Pages behind sign-in: without a session, go through /login and come back. */
export async function requireSession(returnTo: string): Promise<void> {
  if (!(await hasSession())) redirect(`/login?returnTo=${encodeURIComponent(returnTo)}`);
}
