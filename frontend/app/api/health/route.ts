import { NextResponse } from "next/server";

export const dynamic = "force-dynamic";

/** Liveness of the web app itself (the container's health check); the backend is not consulted. */
export function GET() {
  return NextResponse.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
}
