import "server-only";
import type { NextRequest } from "next/server";
import { problem } from "@/lib/backend-route";

/** Mutations must come from our own pages (on top of SameSite=Lax cookies). */
export function crossSite(req: NextRequest) {
  const origin = req.headers.get("origin");
  if (origin && origin !== req.nextUrl.origin) {
    const host = req.headers.get("host");
    if (!host || new URL(origin).host !== host) {
      return problem({ status: 403, title: "Forbidden", detail: "Cross-site requests are not allowed." });
    }
  }
  return null;
}
