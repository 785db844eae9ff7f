import { NextResponse } from "next/server";
import { clearAuthCookies } from "@/lib/auth/session";
import { appUrl } from "@/lib/config";

export const dynamic = "force-dynamic";

/** Sign out: a POST from a sign-out form (proxy.ts has already refused other sites' POSTs). */
export async function POST() {
  const res = NextResponse.redirect(appUrl("/?signed_out=1"), 303);
  clearAuthCookies(res);
  res.headers.set("Cache-Control", "no-store");
  return res;
}

/** A GET never signs out (prefetches, crawlers and stray links send GETs): it asks first. */
export function GET() {
  const res = NextResponse.redirect(appUrl("/sign-out"), 303);
  res.headers.set("Cache-Control", "no-store");
  return res;
}
