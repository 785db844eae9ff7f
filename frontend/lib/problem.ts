/** RFC 9457 problem responses, the error shape of every route handler under /api. */
import { NextResponse } from "next/server";
import type { FriendlyError } from "@/lib/errors";

export const NO_STORE = { "Cache-Control": "no-store" };

export function problem(error: FriendlyError): NextResponse {
  return NextResponse.json(
    { title: error.title, status: error.status, detail: error.detail, ...(error.code ? { code: error.code } : {}) },
    { status: error.status, headers: { ...NO_STORE, "Content-Type": "application/problem+json" } },
  );
}
