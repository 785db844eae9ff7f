"use client";
/** Browser-side calls to our own route handlers (never to the backend or Spotify directly). */
import { useEffect, useState } from "react";
import { jsonOrNull } from "./json";

export class ApiError extends Error {
  constructor(
    public status: number,
    public title: string,
    public detail: string,
    public code?: string,
  ) {
    super(detail);
    this.name = "ApiError";
  }
}

export const SESSION_ENDED_URL = "/auth-error?reason=session";

export async function api<T>(path: string, init?: RequestInit & { json?: unknown }): Promise<{ status: number; data: T }> {
  const { json, ...rest } = init ?? {};
  let res: Response;
  try {
    res = await fetch(path, {
      ...rest,
      headers: { Accept: "application/json", ...(json !== undefined ? { "Content-Type": "application/json" } : {}) },
      body: json !== undefined ? JSON.stringify(json) : rest.body,
      cache: "no-store",
    });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new ApiError(0, "You seem to be offline", "Check your connection and try again.");
  }
  const body = await jsonOrNull(res);
  if (!res.ok) {
    const p = (body ?? {}) as { title?: string; detail?: string; code?: string };
    if (res.status === 401 && p.code === "reauth") {
      // A full navigation on purpose: the session is gone, so drop all client state.
      // eslint-disable-next-line @next/next/no-location-assign-relative-destination
      window.location.assign(SESSION_ENDED_URL);
    }
    throw new ApiError(res.status, p.title ?? "Something went wrong", p.detail ?? "Try again in a moment.", p.code);
  }
  return { status: res.status, data: body as T };
}

export type Loadable<T> =
  | { state: "loading" }
  | { state: "error"; error: ApiError }
  | { state: "ready"; data: T };

/** GET a route handler once per `path` (and `nonce`, to retry). */
export function useApi<T>(path: string | null, nonce = 0): Loadable<T> {
  const [result, setResult] = useState<{ key: string; path: string | null; value: Loadable<T> } | null>(null);
  const key = `${path}#${nonce}`;
  useEffect(() => {
    if (!path) return;
    const ctrl = new AbortController();
    api<T>(path, { signal: ctrl.signal })
      .then(({ data }) => setResult({ key, path, value: { state: "ready", data } }))
      .catch((err: unknown) => {
        if ((err as Error).name === "AbortError") return;
        const error = err instanceof ApiError ? err : new ApiError(0, "Something went wrong", "Try again in a moment.");
        setResult({ key, path, value: { state: "error", error } });
      });
    return () => ctrl.abort();
  }, [path, key]);
  if (!result) return { state: "loading" };
  // Refetching the same path keeps showing what is there (no skeleton flash); a new path starts over.
  if (result.key !== key) return result.path === path && result.value.state === "ready" ? result.value : { state: "loading" };
  return result.value;
}
