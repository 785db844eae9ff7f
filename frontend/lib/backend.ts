import "server-only";
import type { z } from "zod";
import { config } from "@/lib/config";
import { friendlyError, UNEXPECTED_SHAPE, UNREACHABLE, type FriendlyError } from "@/lib/errors";
import { Problem } from "@/lib/schemas";
import { jsonOrNull } from "./json";

export type BackendResult<T> =
  | { ok: true; status: number; data: T }
  | { ok: false; error: FriendlyError; spotifyRejected: boolean };

export interface BackendRequest<T> {
  path: string;
  method?: "GET" | "POST";
  body?: unknown;
  search?: Record<string, string | number | undefined>;
  spotifyToken?: string;
  schema: z.ZodType<T>;
  timeoutMs?: number;
}

/** True when the backend says the user's Spotify token (not our service token) was refused. */
export function isSpotifyRejection(status: number, body: unknown): boolean {
  if (status !== 401 && status !== 403) return false;
  const p = Problem.safeParse(body);
  if (!p.success) return false;
  const text = `${p.data.type ?? ""} ${p.data.code ?? ""} ${p.data.detail ?? ""}`.toLowerCase();
  return /spotify|reauth|access token|access-token/.test(text) && !/service token/.test(text);
}

/** Calls the recommender with the service token (and the user's token), validating the answer. */
export async function callBackend<T>(req: BackendRequest<T>, doFetch: typeof fetch = fetch): Promise<BackendResult<T>> {
  const c = config();
  const url = new URL(req.path, c.BACKEND_URL);
  for (const [k, v] of Object.entries(req.search ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  const headers: Record<string, string> = {
    Authorization: `Bearer ${c.RECOMMENDER_SERVICE_TOKEN}`,
    Accept: "application/json",
  };
  if (req.spotifyToken) headers["X-Spotify-Access-Token"] = req.spotifyToken;
  if (req.body !== undefined) headers["Content-Type"] = "application/json";
  let res: Response;
  try {
    res = await doFetch(url, {
      method: req.method ?? "GET",
      headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      cache: "no-store",
      signal: AbortSignal.timeout(req.timeoutMs ?? 30_000),
    });
  } catch (err) {
    const cause = (err as Error).name === "TimeoutError" ? "timed out" : String((err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message);
    console.error(`backend unreachable on ${url.pathname}: ${cause}`);
    return { ok: false, error: UNREACHABLE, spotifyRejected: false };
  }
  const body = await jsonOrNull(res);
  if (!res.ok) {
    if ((res.status === 401 || res.status === 403) && !isSpotifyRejection(res.status, body)) {
      // Our service token was refused: a deployment problem, not the user's.
      console.error(`backend refused the service token on ${url.pathname}`);
      return {
        ok: false,
        spotifyRejected: false,
        error: { status: 502, title: "Configuration problem", detail: "The web app can't talk to the recommender." },
      };
    }
    return { ok: false, error: friendlyError(res.status, body), spotifyRejected: isSpotifyRejection(res.status, body) };
  }
  const parsed = req.schema.safeParse(body);
  if (!parsed.success) {
    console.error(`unexpected backend answer on ${url.pathname}: ${parsed.error.message.slice(0, 500)}`);
    return { ok: false, error: UNEXPECTED_SHAPE, spotifyRejected: false };
  }
  return { ok: true, status: res.status, data: parsed.data };
}
