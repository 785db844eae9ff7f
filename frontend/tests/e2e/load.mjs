// Load through the web app: N signed-in listeners for D seconds against the real stack, each
// looping over the pages, API routes and static chunks a listener's browser asks for. Prints
// latency (p50/p99/max), requests/s and errors per route and per route class, and a table of
// the resident memory of every process of the stack over time (the Next server, the API
// and its DSP pool, the arq worker and its pool, the sandbox), with the V8 heap of the Next
// server beside it. Exits 1 on any error (a status >= 400, a network failure or a timeout).
//
//   npm run test:load                                   # 16 users, 300 s, production topology
//   LOAD_USERS=4 LOAD_SECONDS=20 npm run test:load      # smoke run
//   LOAD_WEB_NODE_OPTIONS=--max-old-space-size=256 npm run test:load   # cap the Next heap
//   LOAD_STACK=embedded npm run test:load               # SQLite + in-process jobs, no worker
//
// LOAD_STACK=production (the default) runs the API and an arq worker on a throw-away
// PostgreSQL database and a private Redis prefix (LOAD_POSTGRES_URL, LOAD_REDIS_URL), as
// docker-compose.next.yml does. LOAD_REPORT=<file> also writes the report there.
import { spawn, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { REPO, launchBrowser, startStack } from "./harness.mjs";
import { MemorySampler, quantile, retainedHeap } from "./load-probe.mjs";
import { LandingPage } from "./pages/auth.mjs";

const USERS = Number(process.env.LOAD_USERS ?? 16);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 300);
const SAMPLE_SECONDS = Number(process.env.LOAD_SAMPLE_SECONDS ?? 15);
// Also force a full GC in the Next server every this many seconds during the load (0: only
// before and after): whether retained heap climbs with requests served or settles.
const FULL_GC_SECONDS = Number(process.env.LOAD_FULL_GC_SECONDS ?? 0);
const REQUEST_TIMEOUT_MS = 30_000;
const TOPOLOGY = process.env.LOAD_STACK ?? "production";
const POSTGRES_URL = process.env.LOAD_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.LOAD_REDIS_URL ?? "redis://127.0.0.1:6379/0";
const BIN = process.env.RESONANCE_BIN ?? join(REPO, ".venv", "bin", "resonance");
if (!["production", "embedded"].includes(TOPOLOGY)) throw new Error(`LOAD_STACK must be production or embedded, not ${TOPOLOGY}`);

const runId = randomBytes(6).toString("hex");
const heapDir = resolve(`/tmp/resonance-load-heap-${runId}`);
mkdirSync(heapDir);
// Inherited by every server the harness starts; only Node reads it, so only Next is probed.
process.env.NODE_OPTIONS = [process.env.LOAD_WEB_NODE_OPTIONS ?? "", `--import=${resolve(import.meta.dirname, "heap-probe.mjs")}`].join(" ").trim();
process.env.LOAD_HEAP_DIR = heapDir;

// librosa's compiled kernels outlive a run, as they do on a deployment's volume: only the first
// run on a machine spends its first minutes compiling them (docs/audio.md).
process.env.RESONANCE_NUMBA_CACHE_DIR ??= join(tmpdir(), "resonance-load-numba-cache");

const database = `resonance_load_${runId}`;
const redisPrefix = `resonance-load-${runId}:`;
function psql(sql) {
  execFileSync("psql", [POSTGRES_URL, "-qAtc", sql], { stdio: ["ignore", "ignore", "inherit"] });
}
if (TOPOLOGY === "production") {
  psql(`CREATE DATABASE "${database}"`);
  Object.assign(process.env, {
    RESONANCE_DATABASE_URL: `${POSTGRES_URL.replace(/^postgresql:/, "postgresql+asyncpg:").replace(/\/[^/]*$/, "")}/${database}`,
    RESONANCE_REDIS_URL: REDIS_URL,
    RESONANCE_JOBS_BACKEND: "arq",
    RESONANCE_CACHE_PREFIX: redisPrefix,
    RESONANCE_JOBS_QUEUE_NAME: `${redisPrefix}jobs`,
  });
}

function cleanUp() {
  if (TOPOLOGY !== "production") return;
  try {
    psql(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    const keys = execFileSync("redis-cli", ["-u", REDIS_URL, "--scan", "--pattern", `${redisPrefix}*`], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean);
    for (let i = 0; i < keys.length; i += 500) execFileSync("redis-cli", ["-u", REDIS_URL, "del", ...keys.slice(i, i + 500)]);
  } catch (err) {
    console.error(`clean-up of ${database} / ${redisPrefix}* failed: ${err.message}`);
  }
}

/** The arq worker, with the same settings as the API the harness started. */
function startWorker(stack) {
  const fd = openSync(join(stack.logDir, "worker.log"), "a");
  const env = {
    ...process.env,
    RESONANCE_DATA_DIR: join(stack.work, "data"),
    RESONANCE_DEMO_MODE: "true",
    RESONANCE_SANDBOX_URL: stack.sandboxUrl,
    RECOMMENDER_SERVICE_TOKEN: stack.serviceToken,
    SPOTIFY_CLIENT_ID: stack.clientId,
    SPOTIFY_REDIRECT_URI: `${stack.webUrl}/callback`,
    RESONANCE_LOG_FORMAT: "text",
  };
  return spawn(BIN, ["worker"], { env, cwd: REPO, stdio: ["ignore", fd, fd], detached: true });
}

async function signIn(stack) {
  const browser = await launchBrowser();
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const landing = new LandingPage(page, stack.webUrl);
    await landing.goto();
    const consent = await landing.startSignIn();
    await consent.approve(stack.webUrl, "demo");
    await page.getByTestId("playlist-row").first().waitFor({ timeout: 300_000 });
    const cookies = await browser.context.cookies(stack.webUrl);
    return cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  } finally {
    await browser.close();
  }
}

const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];
const fmt = (x) => (Number.isFinite(x) ? x.toFixed(0) : "–");

let failed = true;
let report = "";
const stack = await startStack();
const worker = TOPOLOGY === "production" ? startWorker(stack) : null;
process.once("exit", () => {
  try {
    if (worker && worker.exitCode === null) process.kill(-worker.pid, "SIGKILL");
  } catch {
    /* already gone */
  }
});
try {
  const cookie = await signIn(stack);
  const headers = { cookie, origin: stack.webUrl };
  const call = (path, init = {}) =>
    fetch(`${stack.webUrl}${path}`, { ...init, headers: { ...headers, ...init.headers }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const postJson = (path, body) => call(path, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });

  const library = await (await call("/api/library")).json();
  const playlists = library.playlists.filter((p) => p.id && p.contents_available && (p.track_count ?? 0) > 0).map((p) => p.id);
  const trackIds = library.saved_tracks.map((t) => t.track_id).filter(Boolean);
  if (!playlists.length || !trackIds.length) throw new Error("the demo user has no readable playlist or saved track");
  // Warm up: the first recommendation reads the playlist's tracks and waits for an index.
  const started = Date.now();
  for (;;) {
    const res = await postJson("/api/recommend", { playlist_id: playlists[0] });
    if (res.status === 200) break;
    if (res.status !== 202 || Date.now() - started > 300_000) throw new Error(`warm-up answered ${res.status}: ${await res.text()}`);
    await new Promise((ok) => setTimeout(ok, 2_000));
  }
  // The browser also fetches the build's static chunks; take the ones the library page names.
  const html = await (await call("/library")).text();
  const chunks = [...new Set([...html.matchAll(/\/_next\/static\/[^"'\s]+\.js/g)].map((m) => m[0]))];
  if (!chunks.length) throw new Error("the library page names no static chunk");

  const routes = [
    ["page", "GET /library", () => call("/library")],
    ["page", "GET /playlist/:id", () => call(`/playlist/${pick(playlists)}`)],
    ["page", "GET /recommendations?playlist", () => call(`/recommendations?playlist=${pick(playlists)}`)],
    ["page", "GET /track/:id", () => call(`/track/${pick(trackIds)}`)],
    ["api", "GET /api/library", () => call("/api/library")],
    ["api", "GET /api/playlists/:id", () => call(`/api/playlists/${pick(playlists)}`)],
    ["api", "POST /api/recommend", () => postJson("/api/recommend", { playlist_id: pick(playlists), n: 20, diversity: Math.round(Math.random() * 10) / 10 })],
    ["api", "GET /api/tracks/:id", () => call(`/api/tracks/${pick(trackIds)}`)],
    ["static", "GET /_next/static/*.js", () => call(pick(chunks))],
  ];
  const results = new Map(routes.map(([kind, name]) => [name, { kind, ms: [], errors: 0, statuses: {}, failures: {}, samples: [] }]));
  let recent = [];

  const sampler = new MemorySampler({ web: stack.pids.web, api: stack.pids.backend, ...(worker ? { worker: worker.pid } : {}), sandbox: stack.pids.sandbox }, heapDir);
  // What the Next server's heap holds once garbage is collected, before and after the load: a
  // leak is heap that stays reachable, whatever V8 chose to leave uncollected meanwhile.
  const retainedBefore = await retainedHeap(sampler);
  const t0 = Date.now();
  let lastSample = t0;
  const sample = () => {
    const now = Date.now();
    const w = recent;
    recent = [];
    sampler.sample({
      t: Math.round((now - t0) / 1000),
      rps: ((w.length * 1000) / Math.max(1, now - lastSample)).toFixed(1),
      p50: fmt(quantile(w, 0.5)),
      p99: fmt(quantile(w, 0.99)),
    });
    lastSample = now;
  };
  sample();
  const timer = setInterval(sample, SAMPLE_SECONDS * 1000);
  const retainedDuring = [];
  const served = () => [...results.values()].reduce((n, r) => n + r.ms.length + r.errors, 0);
  const gcTimer =
    FULL_GC_SECONDS > 0 &&
    setInterval(() => {
      const at = { t: Math.round((Date.now() - t0) / 1000), requests: served() };
      retainedHeap(sampler).then((r) => retainedDuring.push({ ...at, r }), (err) => console.error(err.message));
    }, FULL_GC_SECONDS * 1000);
  const deadline = t0 + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: USERS }, async (_, user) => {
      for (let i = user; Date.now() < deadline; i++) {
        const [, name, run] = routes[i % routes.length];
        const r = results.get(name);
        const t = performance.now();
        try {
          const res = await run();
          const body = await res.text();
          const ms = performance.now() - t;
          r.statuses[res.status] = (r.statuses[res.status] ?? 0) + 1;
          if (res.status >= 400) {
            r.errors++;
            if (r.samples.length < 3) r.samples.push(`${Math.round((Date.now() - t0) / 1000)} s, ${res.status} after ${ms.toFixed(0)} ms: ${body.slice(0, 300)}`);
          } else {
            r.ms.push(ms);
            recent.push(ms);
          }
        } catch (err) {
          r.errors++;
          const why = err.name === "TimeoutError" ? "timeout" : err.cause?.code ?? err.name;
          r.failures[why] = (r.failures[why] ?? 0) + 1;
          if (r.samples.length < 3) r.samples.push(`${Math.round((Date.now() - t0) / 1000)} s, ${why} after ${(performance.now() - t).toFixed(0)} ms`);
        }
      }
    }),
  );
  clearInterval(timer);
  if (gcTimer) clearInterval(gcTimer);
  // A last sample unless the timer took one a moment ago (a sliver of an interval misstates req/s).
  if (Date.now() - lastSample > 1000) sample();
  const elapsed = (Date.now() - t0) / 1000;
  await new Promise((ok) => setTimeout(ok, 5_000)); // let the last responses' buffers go
  const retainedAfter = await retainedHeap(sampler);

  const lines = [];
  lines.push(`web app load: ${USERS} users, ${SECONDS} s, ${TOPOLOGY} stack, Next NODE_OPTIONS="${process.env.LOAD_WEB_NODE_OPTIONS ?? ""}"`, "");
  lines.push("| class | route | requests | req/s | p50 ms | p99 ms | max ms | errors | statuses |", "|---|---|---|---|---|---|---|---|---|");
  const byKind = new Map();
  for (const [name, r] of results) {
    const n = r.ms.length + r.errors;
    const statuses = JSON.stringify({ ...r.statuses, ...r.failures });
    lines.push(`| ${r.kind} | ${name} | ${n} | ${(n / elapsed).toFixed(1)} | ${fmt(quantile(r.ms, 0.5))} | ${fmt(quantile(r.ms, 0.99))} | ${fmt(Math.max(...r.ms))} | ${r.errors} | ${statuses} |`);
    const k = byKind.get(r.kind) ?? { ms: [], errors: 0 };
    k.ms.push(...r.ms);
    k.errors += r.errors;
    byKind.set(r.kind, k);
  }
  const all = { ms: [...results.values()].flatMap((r) => r.ms), errors: [...results.values()].reduce((a, r) => a + r.errors, 0) };
  for (const [kind, k] of [...byKind, ["all", all]]) {
    const n = k.ms.length + k.errors;
    lines.push(`| **${kind}** | | ${n} | ${(n / elapsed).toFixed(1)} | ${fmt(quantile(k.ms, 0.5))} | ${fmt(quantile(k.ms, 0.99))} | ${fmt(Math.max(...k.ms))} | ${k.errors} | |`);
  }
  lines.push("", `Memory (RSS from /proc, MB) every ${SAMPLE_SECONDS} s; req/s and latency over the interval before each sample:`, "");
  lines.push(sampler.memoryTable(), "", "V8 heap of the Node processes (heap-probe.mjs):", "", sampler.heapTable());
  lines.push("Heap retained after a full garbage collection, before and after the load:", "");
  lines.push("| process | heap used before MB | heap used after MB | heap total after MB | RSS after MB |", "|---|---|---|---|---|");
  for (const [label, after] of Object.entries(retainedAfter)) {
    lines.push(`| ${label} | ${retainedBefore[label]?.heapUsed ?? "–"} | ${after.heapUsed} | ${after.heapTotal} | ${after.rss} |`);
  }
  if (retainedDuring.length) {
    lines.push("", "Heap used after a full garbage collection during the load, MB:", "");
    lines.push("| t (s) | requests served | process | heap used | heap total | RSS |", "|---|---|---|---|---|---|");
    for (const { t, requests, r } of retainedDuring) {
      for (const [label, h] of Object.entries(r)) lines.push(`| ${t} | ${requests} | ${label} | ${h.heapUsed} | ${h.heapTotal} | ${h.rss} |`);
    }
  }
  const samples = [...results].flatMap(([name, r]) => r.samples.map((s) => `- ${name}: ${s}`));
  if (samples.length) lines.push("", "Failed requests (first three per route):", "", ...samples);
  report = lines.join("\n");
  failed = all.errors > 0;
  if (failed) {
    const kept = `/tmp/resonance-load-logs-${runId}`;
    cpSync(stack.logDir, kept, { recursive: true });
    console.error(`${all.errors} requests failed; the servers' logs are in ${kept}`);
  }
} catch (err) {
  console.error(err);
} finally {
  if (worker && worker.exitCode === null) {
    try {
      process.kill(-worker.pid, "SIGTERM");
    } catch {
      /* already gone */
    }
  }
  await stack.stop();
  cleanUp();
  rmSync(heapDir, { recursive: true, force: true });
}
console.log(`\n${report}`);
if (process.env.LOAD_REPORT && report) writeFileSync(process.env.LOAD_REPORT, `${report}\n`);
process.exit(failed ? 1 : 0);
