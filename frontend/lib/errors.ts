/** Turning backend problems and network failures into messages people can act on. */
import { Problem } from "@/lib/schemas";

export type FriendlyError = { status: number; title: string; detail: string; code?: string };

const GENERIC: Record<number, string> = {
  400: "That request didn't make sense to the recommender.",
  404: "We couldn't find that.",
  409: "Resonance has nothing to recommend from yet: analyse a playlist first, or try again in a moment.",
  422: "Some of those settings aren't valid.",
  429: "Spotify is asking us to slow down. Try again in a minute.",
};

/** Backend details are written for people, but keep them short and never pass on anything trace-like. */
function cleanDetail(detail: string | undefined): string | null {
  if (!detail) return null;
  if (/Traceback|File "|\bat [\w.]+ \(|Exception:/.test(detail)) return null;
  // Details that speak to API clients ("POST /v1/ingest/…") are not for listeners.
  if (/\/v1\/|\b(GET|POST) \//.test(detail)) return null;
  return detail.length > 300 ? `${detail.slice(0, 297)}…` : detail;
}

export function friendlyError(status: number, body: unknown): FriendlyError {
  const problem = Problem.safeParse(body);
  const p = problem.success ? problem.data : {};
  const detail = cleanDetail(p.detail);
  if (status >= 500) {
    return {
      status: status === 503 ? 503 : 502,
      title: "The recommender is having trouble",
      detail: "Something went wrong on our side. Try again in a moment.",
    };
  }
  if (status === 401 || status === 403) {
    return {
      status: 401,
      title: "Please sign in again",
      detail: "Your Spotify session has ended.",
      code: "reauth",
    };
  }
  return {
    status,
    title: p.title ?? "Something went wrong",
    detail: detail ?? GENERIC[status] ?? "Something went wrong.",
    code: p.code,
  };
}

export const UNREACHABLE: FriendlyError = {
  status: 503,
  title: "The recommender is not reachable",
  detail: "We couldn't reach the recommendation service. Try again in a moment.",
};

export const UNEXPECTED_SHAPE: FriendlyError = {
  status: 502,
  title: "Unexpected answer",
  detail: "The recommender answered in a way we didn't understand. Try again in a moment.",
};
