import { NextResponse } from "next/server";
import { clearAuthCookies } from "@/lib/auth/session";
import { appUrl } from "@/lib/config";

export const dynamic = "force-dynamic";

/** Sign out: a POST from the header's form (a GET could be triggered by prefetching or a stray link). */
export async function POST() {
  const res = NextResponse.redirect(appUrl("/?signed_out=1"), 303);
  clearAuthCookies(res);
  res.headers.set("Cache-Control", "no-store");
  return res;
}
