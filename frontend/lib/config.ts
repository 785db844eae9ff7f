import "server-only";
import { z } from "zod";

/**
 * Server settings, read once from the environment and validated.
 * Nothing here is ever sent to the browser.
 */
const EnvSchema = z.object({
  SESSION_SECRET: z.string().min(32, "SESSION_SECRET must be at least 32 characters"),
  SPOTIFY_CLIENT_ID: z.string().min(1).default("resonance-demo"),
  SPOTIFY_REDIRECT_URI: z.url().default("http://127.0.0.1:3000/callback"),
  SPOTIFY_ACCOUNTS_URL: z.url().default("https://accounts.spotify.com"),
  SPOTIFY_SCOPES: z
    .string()
    .default(
      "user-read-private user-library-read user-top-read user-read-recently-played playlist-read-private playlist-read-collaborative playlist-modify-private playlist-modify-public",
    ),
  BACKEND_URL: z.url().default("http://127.0.0.1:8000"),
  RECOMMENDER_SERVICE_TOKEN: z.string().min(1, "RECOMMENDER_SERVICE_TOKEN is required"),
  /** Treat access tokens as expiring after at most this many seconds (0 = trust expires_in). */
  ACCESS_TOKEN_MAX_AGE: z.coerce.number().int().min(0).default(0),
});

export type Config = z.infer<typeof EnvSchema> & { demoMode: boolean; secureCookies: boolean };

let cached: Config | null = null;

export function parseConfig(env: Record<string, string | undefined>): Config {
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = EnvSchema.safeParse(clean);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid frontend configuration: ${issues}`);
  }
  const data = parsed.data;
  return {
    ...data,
    demoMode: !new URL(data.SPOTIFY_ACCOUNTS_URL).hostname.endsWith("spotify.com"),
    secureCookies: new URL(data.SPOTIFY_REDIRECT_URI).protocol === "https:",
  };
}

export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/**
 * An absolute URL on this app's public origin. Redirects are built from the configured
 * redirect URI, not the request: behind `next start` the request URL says "localhost",
 * which is another site for cookies than the 127.0.0.1 that Spotify requires.
 */
export function appUrl(path: string): URL {
  return new URL(path, config().SPOTIFY_REDIRECT_URI);
}

/** This app's public origin, e.g. `http://127.0.0.1:3000` (see `appUrl`). */
export function appOrigin(): string {
  return new URL(config().SPOTIFY_REDIRECT_URI).origin;
}
