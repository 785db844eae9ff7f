// Starts the real processes for the end-to-end tests: the Spotify sandbox, the backend API
// and the production Next.js server (`next start`), each on a free loopback port.
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, mkdirSync, openSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const FRONTEND_DIR = resolve(import.meta.dirname, "..", "..");
export const REPO = resolve(FRONTEND_DIR, "..");
const BIN = process.env.RESONANCE_BIN ?? join(REPO, ".venv", "bin", "resonance");

export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

async function waitFor(url, name, child, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} (see ${child.logFile})`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status < 500) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = err.message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} not ready at ${url} after ${timeoutMs} ms: ${last} (log: ${child.logFile})`);
}

function start(name, cmd, args, env, logDir, cwd) {
  const logFile = join(logDir, `${name}.log`);
  const fd = openSync(logFile, "a");
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, cwd, stdio: ["ignore", fd, fd], detached: true });
  child.logFile = logFile;
  return child;
}

/** The secrets and URLs of one run. */
export async function startStack({ accessTokenMaxAge = 0 } = {}) {
  const [sandboxPort, backendPort, webPort] = [await freePort(), await freePort(), await freePort()];
  const work = mkdtempSync(join(tmpdir(), "resonance-e2e-"));
  const logDir = join(work, "logs");
  mkdirSync(logDir);
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const backendUrl = `http://127.0.0.1:${backendPort}`;
  const webUrl = `http://127.0.0.1:${webPort}`;
  const serviceToken = randomBytes(24).toString("base64url");
  const sessionSecret = randomBytes(32).toString("base64url");
  const clientId = "resonance-sandbox";
  const redirectUri = `${webUrl}/callback`;
  const shared = {
    RESONANCE_DATA_DIR: join(work, "data"),
    RESONANCE_DEMO_MODE: "true",
    RESONANCE_SANDBOX_URL: sandboxUrl,
    RECOMMENDER_SERVICE_TOKEN: serviceToken,
    SPOTIFY_CLIENT_ID: clientId,
    SPOTIFY_REDIRECT_URI: redirectUri,
    RESONANCE_LOG_FORMAT: "text",
  };
  const procs = [];
  // If the test runner is interrupted, take the servers down with it.
  const killAll = () => {
    for (const p of procs) {
      try {
        if (p.exitCode === null) process.kill(-p.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
  };
  process.once("exit", killAll);
  for (const sig of ["SIGINT", "SIGTERM"]) process.once(sig, () => (killAll(), process.exit(130)));
  const stop = async () => {
    for (const p of procs.reverse()) {
      if (p.exitCode === null) {
        try {
          process.kill(-p.pid, "SIGTERM");
        } catch {
          /* already gone */
        }
      }
    }
    await new Promise((r) => setTimeout(r, 500));
    for (const p of procs) {
      if (p.exitCode === null) {
        try {
          process.kill(-p.pid, "SIGKILL");
        } catch {
          /* already gone */
        }
      }
    }
    if (!process.env.E2E_KEEP) rmSync(work, { recursive: true, force: true });
  };
  try {
    const sandbox = start("sandbox", BIN, ["sandbox", "--port", String(sandboxPort), "--redirect-uri", redirectUri], shared, logDir, REPO);
    procs.push(sandbox);
    const backend = start("backend", BIN, ["serve", "--port", String(backendPort)], shared, logDir, REPO);
    procs.push(backend);
    const web = start(
      "web",
      join(FRONTEND_DIR, "node_modules", ".bin", "next"),
      ["start", "-H", "127.0.0.1", "-p", String(webPort)],
      {
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        SESSION_SECRET: sessionSecret,
        SPOTIFY_CLIENT_ID: clientId,
        SPOTIFY_REDIRECT_URI: redirectUri,
        SPOTIFY_ACCOUNTS_URL: sandboxUrl,
        BACKEND_URL: backendUrl,
        RECOMMENDER_SERVICE_TOKEN: serviceToken,
        ACCESS_TOKEN_MAX_AGE: String(accessTokenMaxAge),
      },
      logDir,
      FRONTEND_DIR,
    );
    procs.push(web);
    await Promise.all([
      waitFor(`${sandboxUrl}/_sandbox/switches`, "sandbox", sandbox),
      waitFor(`${backendUrl}/v1/health`, "backend", backend),
      waitFor(`${webUrl}/api/health`, "next", web),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  // Started in this order: sandbox, backend, web (the load test samples their memory).
  const pids = Object.fromEntries(["sandbox", "backend", "web"].map((name, i) => [name, procs[i].pid]));
  return { sandboxUrl, backendUrl, webUrl, serviceToken, sessionSecret, clientId, logDir, work, stop, pids, env: shared };
}

/** Runs a `resonance` command against the stack's data directory; resolves with its output. */
export function resonance(stack, args, timeoutMs = 300_000) {
  return new Promise((ok, fail) => {
    execFile(BIN, args, { env: { ...process.env, ...stack.env }, cwd: REPO, timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) fail(new Error(`resonance ${args.join(" ")} failed (${err.code}): ${stderr || stdout}`));
      else ok({ stdout, stderr });
    });
  });
}

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launchBrowser() {
  const { chromium } = await import("playwright-core");
  const userDataDir = mkdtempSync(join(tmpdir(), "resonance-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

async function sessionKey(secret) {
  const enc = new TextEncoder();
  const material = await crypto.subtle.importKey("raw", enc.encode(secret), "HKDF", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: enc.encode("resonance-cookie-v1"), info: enc.encode("session") },
    material,
    256,
  );
  return new Uint8Array(bits);
}

/**
 * The session cookie in `context`, decrypted with the server's secret: the Spotify tokens the
 * browser must never see in clear. Null when signed out.
 */
export async function sessionCookie(context, stack) {
  const cookie = (await context.cookies(stack.webUrl)).find((c) => c.name === "rs_session");
  if (!cookie?.value) return null;
  const { jwtDecrypt } = await import("jose");
  const { payload } = await jwtDecrypt(cookie.value, await sessionKey(stack.sessionSecret), { audience: "session" });
  return { cookie, tokens: payload };
}
