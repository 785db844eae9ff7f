import "server-only";
import { NextResponse } from "next/server";
import type { z } from "zod";
import { callBackend, type BackendRequest } from "@/lib/backend";
import { clearAuthCookies, currentTokens, setSessionCookie } from "@/lib/auth/session";
import { AccountsUnavailable, ReauthRequired, type Tokens } from "@/lib/auth/tokens";
import type { FriendlyError } from "@/lib/errors";

const NO_STORE = { "Cache-Control": "no-store" };

export function problem(error: FriendlyError): NextResponse {
  return NextResponse.json(
    { title: error.title, status: error.status, detail: error.detail, ...(error.code ? { code: error.code } : {}) },
    { status: error.status, headers: { ...NO_STORE, "Content-Type": "application/problem+json" } },
  );
}

export function reauth(): NextResponse {
  const res = problem({
    status: 401,
    title: "Please sign in again",
    detail: "Your Spotify session has ended. Sign in again to continue.",
    code: "reauth",
  });
  clearAuthCookies(res);
  return res;
}

/** Validate browser input; a failure becomes a 400 with the first readable message. */
export function validate<T>(schema: z.ZodType<T>, input: unknown): { ok: true; data: T } | { ok: false; res: NextResponse } {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, data: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length ? `${issue.path.join(".")}: ` : "";
  return {
    ok: false,
    res: problem({ status: 400, title: "Invalid request", detail: `${where}${issue?.message ?? "invalid input"}` }),
  };
}

export async function readJson(req: Request): Promise<unknown> {
  try {
    return await req.json();
  } catch {
    return undefined;
  }
}

function tokenFailure(err: unknown): NextResponse {
  if (err instanceof ReauthRequired) return reauth();
  if (err instanceof AccountsUnavailable) {
    return problem({ status: 503, title: "Spotify is not reachable", detail: "We couldn't reach Spotify. Try again in a moment." });
  }
  throw err;
}

/**
 * Forward one call to the backend on behalf of the signed-in user: refreshes the access token
 * when due (persisting a rotated refresh token), retries once with a fresh token if the backend
 * says Spotify refused it, and turns every failure into a friendly problem response.
 */
export async function proxy<T>(
  request: Omit<BackendRequest<T>, "spotifyToken">,
  opts: { status?: number; transform?: (data: T) => unknown } = {},
): Promise<NextResponse> {
  let tokens: Tokens;
  let rotated: boolean;
  try {
    ({ tokens, rotated } = await currentTokens());
  } catch (err) {
    return tokenFailure(err);
  }
  let result = await callBackend({ ...request, spotifyToken: tokens.accessToken });
  if (!result.ok && result.spotifyRejected) {
    try {
      ({ tokens } = await currentTokens(true));
      rotated = true;
    } catch (err) {
      return tokenFailure(err);
    }
    result = await callBackend({ ...request, spotifyToken: tokens.accessToken });
    if (!result.ok && result.spotifyRejected) return reauth();
  }
  const res = result.ok
    ? NextResponse.json(opts.transform ? opts.transform(result.data) : result.data, {
        status: opts.status ?? result.status,
        headers: NO_STORE,
      })
    : problem(result.error);
  if (rotated) await setSessionCookie(res, tokens);
  return res;
}
