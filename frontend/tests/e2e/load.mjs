// Load through the web app: N listeners for D seconds against the real stack (sandbox, API,
// `next start`), each looping over the pages and API routes a listener uses. Prints latency
// percentiles and errors per route, and the memory (RSS, with child processes) of every
// server process over time. Exits 1 on any error. Run: npm run test:load
//   LOAD_USERS=16 LOAD_SECONDS=300 npm run test:load
import { readFileSync, readdirSync } from "node:fs";
import { launchBrowser, startStack } from "./harness.mjs";
import { LandingPage } from "./pages/auth.mjs";

const USERS = Number(process.env.LOAD_USERS ?? 16);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 300);
const SAMPLE_EVERY_MS = 5_000;

/** RSS in MB of a process and all its descendants (DSP pool workers, Next's workers). */
function treeRss(pid) {
  let kb = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    try {
      const status = readFileSync(`/proc/${p}/status`, "utf8");
      kb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      for (const task of readdirSync(`/proc/${p}/task`)) {
        const children = readFileSync(`/proc/${p}/task/${task}/children`, "utf8").trim();
        if (children) stack.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      /* gone meanwhile */
    }
  }
  return Math.round(kb / 1024);
}

const pct = (xs, p) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] : NaN);

async function signIn(stack) {
  const browser = await launchBrowser();
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const landing = new LandingPage(page, stack.webUrl);
  await landing.goto();
  const consent = await landing.startSignIn();
  await consent.approve(stack.webUrl, "demo");
  await page.getByTestId("playlist-row").first().waitFor({ timeout: 300_000 });
  const cookies = await browser.context.cookies(stack.webUrl);
  await browser.close();
  return cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

const stack = await startStack();
let failed = false;
try {
  const cookie = await signIn(stack);
  const headers = { cookie, origin: stack.webUrl, "content-type": "application/json" };
  const call = (path, init = {}) => fetch(`${stack.webUrl}${path}`, { ...init, headers: { ...headers, ...init.headers } });

  const library = await (await call("/api/library")).json();
  const playlists = library.playlists.filter((p) => p.id && p.contents_available && (p.track_count ?? 0) > 0);
  if (!playlists.length) throw new Error("the demo user has no readable playlist");
  // Warm up: the first recommendation reads the playlist and builds the index.
  const started = Date.now();
  for (;;) {
    const res = await call("/api/recommend", { method: "POST", body: JSON.stringify({ playlist_id: playlists[0].id }) });
    if (res.status === 200) break;
    if (res.status !== 202 || Date.now() - started > 300_000) throw new Error(`warm-up answered ${res.status}`);
    await new Promise((ok) => setTimeout(ok, 2_000));
  }
  const trackIds = library.saved_tracks.map((t) => t.track_id).filter(Boolean);

  const routes = {
    "GET /library (page)": () => call("/library"),
    "GET /api/library": () => call("/api/library"),
    "POST /api/recommend": () => {
      const p = playlists[Math.floor(Math.random() * playlists.length)];
      const body = { playlist_id: p.id, n: 20, diversity: Math.round(Math.random() * 10) / 10 };
      return call("/api/recommend", { method: "POST", body: JSON.stringify(body) });
    },
    "GET /api/tracks/:id": () => call(`/api/tracks/${trackIds[Math.floor(Math.random() * trackIds.length)] ?? 1}`),
  };
  const results = Object.fromEntries(Object.keys(routes).map((k) => [k, { ms: [], errors: 0, statuses: {} }]));
  const memory = [];
  const sample = () => memory.push({ s: Math.round((Date.now() - t0) / 1000), ...Object.fromEntries(Object.entries(stack.pids).map(([k, pid]) => [k, treeRss(pid)])) });
  const t0 = Date.now();
  sample();
  const sampler = setInterval(sample, SAMPLE_EVERY_MS);
  const deadline = t0 + SECONDS * 1000;
  const names = Object.keys(routes);
  await Promise.all(
    Array.from({ length: USERS }, async (_, user) => {
      for (let i = user; Date.now() < deadline; i++) {
        const name = names[i % names.length];
        const t = performance.now();
        try {
          const res = await routes[name]();
          await res.arrayBuffer();
          results[name].statuses[res.status] = (results[name].statuses[res.status] ?? 0) + 1;
          if (res.status >= 400) results[name].errors++;
          else results[name].ms.push(performance.now() - t);
        } catch {
          results[name].errors++;
        }
      }
    }),
  );
  clearInterval(sampler);
  sample();

  console.log(`\n=== web app load: ${USERS} users, ${SECONDS} s ===`);
  console.log("| route | requests | p50 ms | p99 ms | errors | statuses |\n|---|---|---|---|---|---|");
  for (const [name, r] of Object.entries(results)) {
    const n = r.ms.length + r.errors;
    console.log(`| ${name} | ${n} | ${pct(r.ms, 0.5).toFixed(0)} | ${pct(r.ms, 0.99).toFixed(0)} | ${r.errors} | ${JSON.stringify(r.statuses)} |`);
    if (r.errors) failed = true;
  }
  console.log("\n| t (s) | sandbox MB | backend MB | web MB |\n|---|---|---|---|");
  const every = Math.max(1, Math.round(30_000 / SAMPLE_EVERY_MS));
  for (const [i, m] of memory.entries()) {
    if (i % every === 0 || i === memory.length - 1) console.log(`| ${m.s} | ${m.sandbox} | ${m.backend} | ${m.web} |`);
  }
} finally {
  await stack.stop();
}
process.exit(failed ? 1 : 0);
