// The listener's journey end to end, in headless Chromium against real processes:
// sandbox (Spotify stand-in), backend API, and `next start` on the production build.
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { gzipSync } from "node:zlib";
import { FRONTEND_DIR, launchBrowser, sessionCookie, startStack } from "./harness.mjs";
import { AuthErrorPage, ConsentPage, Header, LandingPage } from "./pages/auth.mjs";
import { LibraryPage, PlaylistPage } from "./pages/library.mjs";
import { MapPage, syntheticMap } from "./pages/map.mjs";
import { RecommendationsPage } from "./pages/recommendations.mjs";

// Access tokens are treated as expiring after 40 s, so the app refreshes (and rotates the
// refresh token) 10 s after each refresh during the run: rotation is exercised throughout.
const ACCESS_TOKEN_MAX_AGE = 40;
const figures = {};
const bars = {};
// Later steps build on earlier ones: skip them (instead of timing out) when a step failed.
const passed = new Set();
function needs(t, ...steps) {
  const missing = steps.filter((s) => !passed.has(s));
  if (missing.length) t.skip(`needs: ${missing.join(", ")}`);
  return missing.length === 0;
}
let stack;
let browser;
let page;
const seenTokens = new Set();
const bodies = []; // every text body the browser received
const cspViolations = []; // what Chromium refused under the Content-Security-Policy
// Console errors, failed requests and error statuses the browser met; a test that provokes one
// on purpose says so in `expected` (a pattern for the URL or text). Aborted requests (a newer
// query replaced an older one, a prefetch cut short) are not failures.
const problems = [];
const expected = [
  // A playlist never read yet: the page asks, gets 404 and offers to analyse it.
  { why: "playlist not read yet", status: 404, url: /\/api\/playlists\/[A-Za-z0-9]+$/ },
  // The first recommendation builds the index; the page asks again while it is built.
  { why: "index still building", status: 409, url: /\/api\/recommend$/ },
  // Unknown addresses and ids, opened on purpose: the not-found page, with HTTP 404.
  { why: "unknown route or id", status: 404, url: /\/(no-such-page|map\/nowhere|track\/987654321|playlist\/0{22})$/ },
];
// The bars of issue 16, checked at the end of the run (E2E_BARS=report only prints them:
// on a machine shared by other heavy jobs, timings say more about the neighbours).
const BARS = {
  analysis40s: 60,
  interactiveMs: 1500,
  controlChangeMs: 300,
  // The map's first view (link click → first frame) is held to the "interactive" bar: the
  // layout is computed when the index is built, not on this view.
  mapFirstViewS: 1.5,
  mapPanFps: 30,
};
function isExpected(p) {
  return expected.some((e) => (e.status === undefined || e.status === p.status) && e.url.test(p.url ?? ""));
}

/** Decrypts the session cookie with the server's secret: the tokens the browser must never see. */
async function currentTokens() {
  const session = await sessionCookie(page.context(), stack);
  if (!session) return null;
  assert.equal(session.cookie.httpOnly, true, "session cookie is HttpOnly");
  assert.equal(session.cookie.sameSite, "Lax", "session cookie is SameSite=Lax");
  seenTokens.add(session.tokens.accessToken);
  seenTokens.add(session.tokens.refreshToken);
  return session.tokens;
}

async function assertNoTokenInPage() {
  const tokens = await currentTokens();
  assert.ok(tokens, "signed in");
  const docCookie = await page.evaluate(() => document.cookie);
  assert.ok(!docCookie.includes("rs_session"), "session cookie not visible to JavaScript");
  const html = await page.content();
  for (const t of seenTokens) {
    assert.ok(!docCookie.includes(t), "no token in document.cookie");
    assert.ok(!html.includes(t), "no token in the page HTML");
  }
  const storage = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  for (const t of seenTokens) assert.ok(!storage.includes(t), "no token in web storage");
}

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else yield p;
  }
}

before(async () => {
  stack = await startStack({ accessTokenMaxAge: ACCESS_TOKEN_MAX_AGE });
  browser = await launchBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.setDefaultTimeout(30_000);
  page.on("console", (msg) => {
    if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
    // "Failed to load resource" repeats a response recorded below with its URL and status.
    if (msg.type() === "error" && !/Failed to load resource/.test(msg.text()))
      problems.push({ kind: "console", text: msg.text(), url: msg.location()?.url });
  });
  page.on("pageerror", (err) => problems.push({ kind: "pageerror", text: err.message, url: page.url() }));
  browser.context.on("requestfailed", (req) => {
    if (!/ERR_ABORTED/.test(req.failure()?.errorText ?? "")) problems.push({ kind: "failed", url: req.url(), text: req.failure()?.errorText });
  });
  browser.context.on("response", (res) => {
    if (res.status() >= 400) problems.push({ kind: "status", url: res.url(), status: res.status() });
  });
  browser.context.on("response", async (res) => {
    const type = res.headers()["content-type"] ?? "";
    if (!/json|javascript|html|text|x-component/.test(type)) return;
    try {
      bodies.push({ url: res.url(), body: await res.text() });
    } catch {
      /* redirects and aborted requests have no body */
    }
  });
});

after(async () => {
  console.log("\n=== measured figures ===");
  for (const [k, v] of Object.entries(figures)) console.log(`${k}: ${typeof v === "number" ? v.toFixed(1) : JSON.stringify(v)}`);
  await browser?.close();
  if (stack) {
    if (process.env.E2E_KEEP) console.log(`logs kept in ${stack.logDir}`);
    await stack.stop();
  }
});

test("denying consent lands on a friendly page and signs nobody in", async () => {
  const landing = new LandingPage(page, stack.webUrl);
  await landing.goto();
  const consent = await landing.startSignIn();
  const error = await consent.deny();
  assert.equal(await error.reason(), "denied");
  assert.match(await error.heading(), /cancelled/i);
  const cookies = await page.context().cookies(stack.webUrl);
  assert.ok(!cookies.some((c) => c.name === "rs_session" && c.value), "no session after deny");
  passed.add("deny");
});

test("signing in through the consent page opens the library", async () => {
  const landing = new LandingPage(page, stack.webUrl);
  await landing.goto();
  const consent = await landing.startSignIn();
  await consent.approve(stack.webUrl);
  assert.match(page.url(), /\/library$/);
  const tokens = await currentTokens();
  assert.ok(tokens.accessToken && tokens.refreshToken);
  const cookies = await page.context().cookies(stack.webUrl);
  assert.ok(!cookies.some((c) => c.name === "rs_oauth" && c.value), "PKCE cookie cleared after the callback");
  passed.add("signin");
});

let playlistId;
let recsUrl; // the recommendations page the journey reached
test("the library lists playlists with their status", async (t) => {
  if (!needs(t, "signin")) return;
  const library = new LibraryPage(page, stack.webUrl);
  const n = await library.waitForPlaylists();
  assert.ok(n > 0, "some playlists");
  const playlists = await library.playlists();
  const readable = playlists.filter((p) => p.readable);
  assert.ok(readable.length > 0, "a readable playlist");
  playlistId = readable[0].id;
  await library.openTab("Saved tracks");
  await page.getByRole("tabpanel").waitFor();
  // A saved track links to its page in Resonance.
  const name = await library.openFirstTrack();
  await page.getByRole("heading", { level: 1, name }).waitFor();
  await library.goto();
  await library.waitForPlaylists();
  await library.openTab("Playlists");
  await assertNoTokenInPage();
  passed.add("library");
});

test("analysing a playlist shows live progress, then recommendations", async (t) => {
  if (!needs(t, "library")) return;
  const library = new LibraryPage(page, stack.webUrl);
  const playlist = await library.open(playlistId);
  await page.getByRole("heading", { level: 1 }).waitFor();
  const analysisStarted = Date.now();
  await playlist.analyse();
  const { states, counts } = await playlist.waitForAnalysis();
  figures["analysis of the 40-track playlist, Analyse → done (s)"] = (Date.now() - analysisStarted) / 1000;
  figures["analysis states seen"] = states;
  figures["analysis progress seen"] = counts.slice(0, 8);
  assert.ok(states.some((s) => s === "running" || s === "queued"), `progress was shown (${states})`);
  await playlist.getRecommendations();
  const recs = new RecommendationsPage(page);
  await recs.waitForResults(20);
  recsUrl = page.url();
  assert.equal(await recs.cards().count(), 20);
  const first = await recs.explanationOf(0);
  assert.match(first.score, /^\d{1,3}% match$/);
  assert.ok(first.segments >= 1, "an explanation bar with at least one block");
  assert.match(first.barLabel, /Why: .+%.+Match \d{1,3}%\./);
  figures["first card explanation"] = first;
  const all = await Promise.all([...Array(20).keys()].map((i) => recs.explanationOf(i)));
  figures["cards with explanation sentences"] = all.filter((e) => e.sentence).length;
  figures["cards with descriptor comparisons"] = all.filter((e) => e.comparisons.length).length;
  figures["cards with shared genres"] = all.filter((e) => e.genres.length).length;
  // The demo library holds no ambient track outside this playlist ("Ambient mix", the first
  // readable one), so nothing shares a genre or a playlist with the seeds: the page must say
  // so rather than present the least distant tracks as close matches.
  if (!all.some((e) => e.genres.length)) {
    assert.match((await recs.listNote()) ?? "", /shares a genre or a playlist with your seeds/);
  }
  await assertNoTokenInPage();
  passed.add("recs");
});

test("recommendations page: time to interactive with 20 results (measured)", async (t) => {
  if (!needs(t, "recs")) return;
  const url = page.url();
  const runs = [];
  const api = [];
  const onDone = (req) => {
    if (req.url().endsWith("/api/recommend")) api.push(Math.round(req.timing().responseEnd));
  };
  page.on("requestfinished", onDone);
  for (let i = 0; i < 3; i++) {
    await page.goto(url);
    const t = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const check = () => {
            const cards = document.querySelectorAll('[data-testid="rec-card"]');
            const slider = document.querySelector('[data-testid="diversity"]');
            // Cards are rendered by the client after hydration, so 20 cards = interactive.
            if (cards.length >= 20 && slider) resolve(performance.now());
            else requestAnimationFrame(check);
          };
          check();
        }),
    );
    runs.push(t);
  }
  runs.sort((a, b) => a - b);
  figures["recommendations TTI ms (median of 3, 20 results)"] = runs[1];
  figures["recommendations TTI ms (all runs)"] = runs.map((r) => Math.round(r));
  page.off("requestfinished", onDone);
  figures["/api/recommend ms during those runs"] = api;
  // The README's screenshot: E2E_SCREENSHOTS=1 npm run test:e2e rewrites docs/screenshots/recommendations.png.
  if (process.env.E2E_SCREENSHOTS) {
    const shot = join(FRONTEND_DIR, "..", "docs", "screenshots");
    mkdirSync(shot, { recursive: true });
    await page.screenshot({ path: join(shot, "recommendations.png"), fullPage: false });
  }
});

test("changing diversity re-queries and changes the list", async (t) => {
  if (!needs(t, "recs")) return;
  const recs = new RecommendationsPage(page);
  await recs.waitForResults(20);
  const before = await recs.trackIds();
  const ms = await recs.setDiversityTimed(0.9);
  const afterIds = await recs.trackIds();
  assert.notDeepEqual(afterIds, before, "the list changed");
  const back = await recs.setDiversityTimed(0.2);
  const more = await recs.setDiversityTimed(0.6);
  figures["control change → re-rendered ms (incl. 80 ms debounce)"] = [ms, back, more].map((x) => Math.round(x));
  assert.equal(await recs.cards().count(), 20);
  passed.add("diversity");
});

test("the map: recommendations in rank order, search, selection, zoom and pan", async (t) => {
  if (!needs(t, "recs")) return;
  await page.goto(recsUrl);
  const recs = new RecommendationsPage(page);
  await recs.waitForResults(20);
  const ranked = await recs.cards().evaluateAll((cards) => cards.map((c) => c.querySelector("h3 a")?.textContent?.trim() ?? ""));
  await page.getByRole("link", { name: "See them on the map" }).click();
  const map = new MapPage(page, stack.webUrl);
  const started = Date.now();
  const points = await map.waitForDrawn();
  bars.mapFirstViewS = (Date.now() - started) / 1000;
  figures["map on the demo catalogue: points, first draw s"] = [points, bars.mapFirstViewS];
  assert.ok(points > 20, "the catalogue is on the map");
  const listed = await map.recommendationNames();
  assert.equal(listed.length, 20);
  assert.deepEqual(listed, ranked.slice(0, listed.length), "the side list is in rank order");
  // Search by part of a name, pick the match: it is selected, centred and kept in the URL.
  const word = listed[0].split(/\s+/).find((w) => w.length >= 3) ?? listed[0];
  assert.match(await map.search(word), /match/);
  const chosen = await map.pickMatch(0);
  assert.match(page.url(), /[?&]track=\d+/);
  await page.reload();
  await map.waitForDrawn();
  assert.equal(await map.selectedName(), chosen, "a reload keeps the selection");
  await map.zoomIn();
  const pan = await map.panFor(1000);
  assert.ok(pan.drawsPerSecond > 0, "dragging redraws the map");
  await map.showAll();
  await page.getByRole("button", { name: "Clear" }).click();
  assert.equal(await map.selectedName(), null);
  assert.doesNotMatch(page.url(), /[?&]track=/);
  // A click on a dot selects its track: try the centres of a few spots until one hits.
  let hit = null;
  for (const [fx, fy] of [[0.5, 0.5], [0.3, 0.3], [0.7, 0.6], [0.4, 0.7], [0.6, 0.35]]) {
    await map.clickAt(fx, fy);
    if ((hit = await map.selectedName())) break;
  }
  figures["map click on a dot selected"] = hit;
  passed.add("map");
});

test("the map pans at 30 frames a second or more with 50,000 points (measured)", async (t) => {
  if (!needs(t, "signin")) return;
  const body = JSON.stringify(syntheticMap(50_000));
  // The browser's drawing is what is measured here, so the points come from a fixture: the
  // demo catalogue has 876 tracks (bench/map_layout.py times the layout of 50,000).
  await page.route("**/api/map*", (route) => route.fulfill({ status: 200, contentType: "application/json", body }));
  try {
    const map = new MapPage(page, stack.webUrl);
    await map.goto();
    assert.equal(await map.waitForDrawn(), 50_000);
    await map.zoomIn();
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await map.panFor(3000));
    const fps = runs.map((r) => r.fps).sort((a, b) => a - b)[1];
    figures["map pan, 50,000 points: rAF frames/s (median of 3 x 3 s drags)"] = fps;
    figures["map pan, 50,000 points: runs"] = runs.map((r) => ({
      fps: Math.round(r.fps),
      draws_per_s: Math.round(r.drawsPerSecond),
      ms_per_draw: r.msPerDraw === null ? null : Number(r.msPerDraw.toFixed(1)),
      pointer_moves: r.moves,
    }));
    bars.mapPanFps = fps;
  } finally {
    await page.unroute("**/api/map*");
    // The steps after this one start on the recommendations page.
    if (recsUrl) {
      await page.goto(recsUrl);
      await new RecommendationsPage(page).waitForResults(20);
    }
  }
});

test("save as a playlist, and find it in the sandbox", async (t) => {
  if (!needs(t, "recs")) return;
  const recs = new RecommendationsPage(page);
  await recs.setDiversityTimed(0.9);
  const ids = await recs.trackIds();
  const name = `E2E mix ${Date.now()}`;
  const saved = await recs.saveAsPlaylist(name);
  assert.ok(saved.id);
  assert.match(saved.text, /Saved/);
  const token = await (
    await fetch(`${stack.sandboxUrl}/_sandbox/token`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ user: "demo" }) })
  ).json();
  const res = await fetch(`${stack.sandboxUrl}/v1/playlists/${saved.id}`, { headers: { Authorization: `Bearer ${token.access_token}` } });
  assert.equal(res.status, 200, "the playlist exists in the sandbox");
  const playlist = await res.json();
  assert.equal(playlist.name, name);
  const total = (playlist.items ?? playlist.tracks)?.total;
  assert.equal(total, ids.length, "with every recommended track");
  // Saving the same list again makes no second copy: it says so and links the first one.
  const again = await recs.saveAsPlaylist();
  assert.equal(again.id, saved.id, "the same playlist");
  assert.ok(again.alreadySaved);
  assert.match(again.text, /Already saved/);
  assert.ok(again.link, "a link to the playlist");
  const mine = await (
    await fetch(`${stack.sandboxUrl}/v1/me/playlists?limit=50`, { headers: { Authorization: `Bearer ${token.access_token}` } })
  ).json();
  assert.equal(mine.items.filter((p) => p.name === name).length, 1, "one playlist of that name");
  passed.add("save");
});

test("pages carry a nonce-based CSP, and nothing the journey used was refused", async (t) => {
  if (!needs(t, "recs")) return;
  const response = await page.goto(`${stack.webUrl}/library`);
  const policy = response.headers()["content-security-policy"] ?? "";
  const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
  assert.ok(nonce, `a script nonce in ${policy}`);
  assert.doesNotMatch(/script-src[^;]*/.exec(policy)[0], /unsafe-inline/);
  // Next put the nonce on every script it served (chunks they load are trusted through
  // 'strict-dynamic'), so they ran and the page became interactive.
  const served = [...(await response.text()).matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  assert.ok(served.length > 0, "the page serves scripts");
  for (const tag of served) assert.ok(tag.includes(`nonce="${nonce}"`), `nonce on ${tag}`);
  await page.getByTestId("playlist-row").first().waitFor();
  const again = await page.goto(`${stack.webUrl}/library`);
  assert.notEqual(/'nonce-([^']+)'/.exec(again.headers()["content-security-policy"])?.[1], nonce, "fresh per response");
  assert.deepEqual(cspViolations, [], "covers, previews, scripts and requests all allowed");
});

test("no token in document.cookie, page HTML, responses or client bundles", async (t) => {
  if (!needs(t, "signin")) return;
  await assertNoTokenInPage();
  assert.ok(seenTokens.size >= 2);
  for (const { url, body } of bodies) {
    for (const t of seenTokens) assert.ok(!body.includes(t), `token found in a response body: ${url}`);
    assert.ok(!body.includes(stack.serviceToken), `service token in ${url}`);
    assert.ok(!body.includes(stack.sessionSecret), `session secret in ${url}`);
  }
  let scanned = 0;
  for (const file of files(join(FRONTEND_DIR, ".next", "static"))) {
    if (!file.endsWith(".js")) continue;
    const text = readFileSync(file, "utf8");
    scanned++;
    for (const t of seenTokens) assert.ok(!text.includes(t), `token in bundle ${file}`);
    assert.ok(!/RECOMMENDER_SERVICE_TOKEN|SESSION_SECRET/.test(text), `server env names in bundle ${file}`);
  }
  assert.ok(scanned > 0);
  figures["client bundle files scanned"] = scanned;
  figures["browser responses scanned"] = bodies.length;
  figures["distinct tokens seen (rotation)"] = seenTokens.size;
});

test("first-load JS of the recommendations route, as downloaded (measured)", async (t) => {
  if (!needs(t, "recs")) return;
  const fresh = await browser.context.newPage();
  const js = [];
  fresh.on("response", async (res) => {
    if (res.url().endsWith(".js") && res.url().startsWith(stack.webUrl)) {
      try {
        js.push(gzipSync(await res.body(), { level: 9 }).length);
      } catch {
        /* ignore */
      }
    }
  });
  await fresh.goto(page.url(), { waitUntil: "networkidle" });
  figures["/recommendations JS fetched on load (gzip kB)"] = js.reduce((a, b) => a + b, 0) / 1024;
  await fresh.close();
});

test("a target applies from the first index build, and the explanation says so", async (t) => {
  if (!needs(t, "recs")) return;
  await page.goto(recsUrl);
  const recs = new RecommendationsPage(page);
  await recs.waitForResults(20);
  await recs.waitIdle();
  await recs.setTarget("energy");
  assert.equal(await recs.error(), null, "no error above the list");
  const note = (await recs.listNote()) ?? "";
  const all = await Promise.all([...Array(await recs.cards().count()).keys()].map((i) => recs.explanationOf(i)));
  const explained = all.filter((e) => /Energy \d+%, for your target of 60%/.test(e.sentence)).length;
  figures["cards explaining the energy target"] = explained;
  // Measured tracks are explained against the target; if none is measured yet, the list says why.
  assert.ok(explained > 0 || /Energy is not measured for any track yet/.test(note), `explained ${explained}; note: ${note}`);
  assert.doesNotMatch(note, /unknown target/i);
});

test("the controls live in the URL: a reload keeps them and Back undoes a change", async (t) => {
  if (!needs(t, "recs")) return;
  await page.goto(recsUrl);
  const recs = new RecommendationsPage(page);
  await recs.waitForResults(1);
  await recs.waitIdle();
  await page.waitForTimeout(1100); // a new history entry rather than a replacement of the last
  const earlier = await recs.controlState();
  await recs.setDiversityTimed(0.75);
  assert.match(page.url(), /[?&]diversity=0\.75\b/);
  const chosen = await recs.controlState();
  assert.equal(chosen.diversity, 0.75);
  await page.reload();
  await recs.waitForResults(1);
  await recs.waitIdle();
  assert.deepEqual(await recs.controlState(), chosen, "the same controls after a reload");
  await page.goBack();
  await page.waitForFunction(() => !/diversity=0\.75/.test(location.search));
  await page.waitForFunction((d) => Number(document.querySelector('[data-testid="diversity"]').value) === d, earlier.diversity);
  await recs.waitIdle();
  assert.deepEqual(await recs.controlState(), earlier, "Back restores the controls before the change");
});

test("a genre mode changes the list, or the page says the catalogue is the limit", async (t) => {
  if (!needs(t, "recs")) return;
  await page.goto(recsUrl);
  const recs = new RecommendationsPage(page);
  await recs.waitForResults(1);
  await recs.waitIdle();
  for (const mode of ["focus", "explore"]) {
    const before = await recs.trackIds();
    await recs.setMode(mode);
    const after = await recs.trackIds();
    const note = (await recs.unchangedNote()) ?? "";
    figures[`${mode}: results not in the list before (of ${after.length})`] = after.filter((id) => !before.includes(id)).length;
    const same = JSON.stringify(after) === JSON.stringify(before);
    assert.ok(!same || /nothing else to prefer/.test(note), `${mode} changed nothing and said nothing`);
    if (!same) assert.equal(note, "", "no note when the list did change");
  }
});

test("playlists that can't be read, are empty or don't exist say so and offer what works", async (t) => {
  if (!needs(t, "library")) return;
  const library = new LibraryPage(page, stack.webUrl);
  await library.goto();
  await library.waitForPlaylists();
  const followed = (await library.playlists()).find((p) => !p.readable && p.id);
  assert.ok(followed, "a followed playlist Spotify does not let apps read");
  const closed = await (await PlaylistPage.visit(page, stack.webUrl, followed.id)).state();
  assert.ok(closed.unreadable, "says it can't be read");
  assert.ok(!closed.offersRecommendations && !closed.offersAnalyse, "offers nothing that would fail");
  assert.doesNotMatch(closed.text, /This playlist is empty/);

  const unknown = "AAAAAAAAAAAAAAAAAAAAAA";
  expected.push({ why: "unknown playlist id", status: 404, url: new RegExp(`/api/playlists/${unknown}$`) });
  // With a fresh token the page itself answers 404 (lib/exists.ts); else its request does.
  expected.push({ why: "unknown playlist page", status: 404, url: new RegExp(`/playlist/${unknown}$`) });
  const missing = await (await PlaylistPage.visit(page, stack.webUrl, unknown)).state();
  assert.ok(missing.notFound, "a not-found page");
  assert.match(missing.heading, /not found/i);
  assert.doesNotMatch(missing.text, /trouble|on our side/i);

  const token = await (
    await fetch(`${stack.sandboxUrl}/_sandbox/token`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ user: "demo" }) })
  ).json();
  const made = await (
    await fetch(`${stack.sandboxUrl}/v1/me/playlists`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token.access_token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Nothing here yet" }),
    })
  ).json();
  const playlist = await PlaylistPage.visit(page, stack.webUrl, made.id, "Nothing here yet");
  await playlist.analyse();
  await playlist.waitForAnalysis();
  await page.getByTestId("empty-playlist").waitFor();
  const empty = await playlist.state();
  assert.ok(empty.empty, "says it has no tracks");
  assert.ok(!empty.offersRecommendations, "no Get recommendations that would fail");
  passed.add("playlist-states");
});

test("unknown routes and ids answer HTTP 404 with the not-found page", async (t) => {
  if (!needs(t, "signin")) return;
  for (const path of ["/no-such-page", "/map/nowhere", "/track/987654321", "/playlist/0000000000000000000000"]) {
    // A page cannot store a refreshed token, so it asks Spotify about a playlist only with a
    // fresh one (lib/exists.ts): a route handler call first refreshes it, as browsing would.
    if (path.startsWith("/playlist/")) await page.request.get(`${stack.webUrl}/api/library`);
    const res = await page.goto(`${stack.webUrl}${path}`);
    assert.equal(res.status(), 404, `${path} answers 404`);
    await page.getByRole("heading", { level: 1, name: "Not found" }).waitFor();
  }
});

test("a stray /callback while signed in goes on to the library quietly", async (t) => {
  if (!needs(t, "signin")) return;
  await page.goto(`${stack.webUrl}/callback`);
  await page.waitForURL(/\/library$/);
  assert.doesNotMatch(page.url(), /auth-error/);
});

test("on a 390×844 phone every library tab is on screen", async (t) => {
  if (!needs(t, "library")) return;
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    const library = new LibraryPage(page, stack.webUrl);
    await library.goto();
    await library.waitForPlaylists();
    for (const tab of ["Playlists", "Saved tracks", "Top tracks"]) assert.ok(await library.tabFits(tab), `${tab} fits`);
    const text = await page.getByTestId("playlist-row").first().innerText();
    assert.doesNotMatch(text, /\b1 tracks\b/);
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});

test("the bars: analysis, interactive, control change, map first view, map pan (measured)", async (t) => {
  if (!needs(t, "recs")) return;
  bars.analysis40s = figures["analysis of the 40-track playlist, Analyse → done (s)"];
  bars.interactiveMs = figures["recommendations TTI ms (median of 3, 20 results)"];
  const changes = figures["control change → re-rendered ms (incl. 80 ms debounce)"] ?? [];
  bars.controlChangeMs = changes.length ? [...changes].sort((a, b) => a - b)[Math.floor(changes.length / 2)] : undefined;
  const rows = [
    ["analysis of a 40-track playlist (s)", bars.analysis40s, BARS.analysis40s, (v, b) => v <= b],
    ["recommendations interactive (ms)", bars.interactiveMs, BARS.interactiveMs, (v, b) => v <= b],
    ["control change, median (ms)", bars.controlChangeMs, BARS.controlChangeMs, (v, b) => v <= b],
    ["map's first view (s)", bars.mapFirstViewS, BARS.mapFirstViewS, (v, b) => v <= b],
    ["map pan with 50,000 points (frames/s)", bars.mapPanFps, BARS.mapPanFps, (v, b) => v >= b],
  ];
  console.log("\n| bar | measured | limit | met |\n|---|---:|---:|---|");
  for (const [name, value, limit, ok] of rows)
    console.log(`| ${name} | ${value === undefined ? "not measured" : Math.round(value * 10) / 10} | ${limit} | ${value !== undefined && ok(value, limit) ? "yes" : "no"} |`);
  if (process.env.E2E_BARS === "report") return;
  for (const [name, value, limit, ok] of rows) {
    assert.notEqual(value, undefined, `${name} was measured`);
    assert.ok(ok(value, limit), `${name}: ${value} against ${limit}`);
  }
});

test("no console error or failed request on the way, other than expected ones", async (t) => {
  if (!needs(t, "signin")) return;
  const unexpected = problems.filter((p) => !isExpected(p));
  figures["expected error responses seen"] = problems.length - unexpected.length;
  assert.deepEqual(unexpected, [], "every error the browser met was expected");
});

test("a revoked refresh token asks the listener to sign in again", async (t) => {
  if (!needs(t, "signin")) return;
  const res = await fetch(`${stack.sandboxUrl}/_sandbox/revoke`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ user: "demo" }),
  });
  assert.equal(res.status, 200);
  // Let the access token come due, so the next request must use the (revoked) refresh token.
  await page.waitForTimeout((ACCESS_TOKEN_MAX_AGE - 30 + 1) * 1000);
  await page.goto(`${stack.webUrl}/library`);
  await page.waitForURL(/\/auth-error\?reason=session/, { timeout: 30_000 });
  const error = new AuthErrorPage(page);
  assert.match(await error.heading(), /sign in again/i);
  const cookies = await page.context().cookies(stack.webUrl);
  assert.ok(!cookies.some((c) => c.name === "rs_session" && c.value), "session cleared");
  const consent = await error.signInAgain();
  assert.ok(consent instanceof ConsentPage);
  await consent.approve(stack.webUrl);
  await new LibraryPage(page, stack.webUrl).waitForPlaylists();
  passed.add("revoked");
});

test("signing out clears the session", async (t) => {
  if (!needs(t, "signin")) return;
  await new Header(page).signOut();
  await new LandingPage(page, stack.webUrl).isSignedOut();
  const cookies = await page.context().cookies(stack.webUrl);
  assert.ok(!cookies.some((c) => c.name === "rs_session" && c.value), "no session cookie");
  const res = await page.request.get(`${stack.webUrl}/api/library`);
  assert.equal(res.status(), 401);
  assert.equal((await res.json()).code, "reauth");
  await page.goto(`${stack.webUrl}/library`);
  await page.waitForURL(/\/authorize\?/);
});
