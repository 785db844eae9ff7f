// Security checks in headless Chromium against the real stack (sandbox, backend, `next start`):
// sign-in's returnTo never leaves the app, other sites' form POSTs change nothing, GET /logout
// never signs out, and no Spotify token shows up anywhere the browser or a log could keep it.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { after, before, test } from "node:test";
import { FRONTEND_DIR, launchBrowser, sessionCookie, startStack } from "./harness.mjs";
import { AttackerPage, AttackerSite } from "./pages/attacker.mjs";
import { Header, LandingPage, SignInLink, SignOutPage } from "./pages/auth.mjs";
import { LibraryPage } from "./pages/library.mjs";

let stack;
let browser;
let page;
/** Every Spotify token the app was given during the run (read from the session cookie). */
const tokens = new Set();
const visitedUrls = new Set();
const bodies = []; // text bodies the browser received: pages, RSC payloads, JSON, scripts
const offsiteRequests = []; // anything the browser asked a non-loopback host for (redirects included)
const attackers = [];

async function recordTokens() {
  const session = await sessionCookie(page.context(), stack);
  if (session) {
    tokens.add(session.tokens.accessToken);
    tokens.add(session.tokens.refreshToken);
  }
  return session?.tokens ?? null;
}

/** Each test starts signed in, so one failing test doesn't fail the next ones for it. */
async function ensureSignedIn() {
  if (!(await recordTokens())) await signIn();
}

async function signIn() {
  const landing = new LandingPage(page, stack.webUrl);
  await landing.goto();
  const consent = await landing.startSignIn();
  await consent.approve(stack.webUrl);
  assert.ok(await recordTokens(), "signed in");
}

/** A sandbox access token for the demo user, to look at their account from outside the app. */
async function sandboxToken() {
  const res = await fetch(`${stack.sandboxUrl}/_sandbox/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ user: "demo" }),
  });
  return (await res.json()).access_token;
}

async function sandboxGet(path) {
  const res = await fetch(`${stack.sandboxUrl}${path}`, { headers: { Authorization: `Bearer ${await sandboxToken()}` } });
  assert.equal(res.status, 200, path);
  return res.json();
}

async function playlistNames() {
  const names = [];
  for (let path = "/v1/me/playlists?limit=50"; path; ) {
    const page = await sandboxGet(path);
    names.push(...page.items.map((p) => p.name));
    path = page.next ? new URL(page.next).pathname + new URL(page.next).search : null;
  }
  return names;
}

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else yield p;
  }
}

before(async () => {
  stack = await startStack();
  browser = await launchBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.setDefaultTimeout(30_000);
  browser.context.on("request", (req) => {
    visitedUrls.add(req.url());
    // evil.example doesn't resolve, so an open redirect ends on Chromium's error page; this says where it went.
    if (!/^127\.0\.0\.\d+$/.test(new URL(req.url()).hostname) && req.url().startsWith("http")) offsiteRequests.push(req.url());
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
  attackers.push(
    { label: "another site (127.0.0.2)", site: await AttackerSite.start("127.0.0.2") },
    { label: "the same site on another port", site: await AttackerSite.start("127.0.0.1") },
  );
  await signIn();
});

after(async () => {
  for (const a of attackers) await a.site.close();
  await browser?.close();
  if (stack) {
    if (process.env.E2E_KEEP) console.log(`logs kept in ${stack.logDir}`);
    await stack.stop();
  }
});

test("sign-in's returnTo is honoured for our own paths", async () => {
  await ensureSignedIn();
  const consent = await new SignInLink(page, stack.webUrl).open(`returnTo=${encodeURIComponent("/map")}`);
  const landed = await consent.approveAndFollow(stack.sandboxUrl);
  assert.equal(landed.origin, stack.webUrl);
  assert.equal(landed.pathname, "/map", "the control case: a genuine returnTo is followed");
  await recordTokens();
});

test("no returnTo trick leads off the app's origin after a genuine sign-in", async () => {
  const variants = [
    // As reported: the tab is stripped by the URL parser, leaving //evil.example/pwn.
    "returnTo=/%09/evil.example/pwn",
    "returnTo=/%0A/evil.example/pwn",
    "returnTo=/%0D/evil.example/pwn",
    "returnTo=%2F%09%2Fevil.example%2Fpwn",
    "returnTo=//evil.example/pwn",
    "returnTo=///evil.example/pwn",
    "returnTo=/%5Cevil.example/pwn",
    "returnTo=%5C%5Cevil.example/pwn",
    "returnTo=/%5C%5Cevil.example/pwn",
    "returnTo=/.//evil.example/pwn",
    "returnTo=/a/..//evil.example/pwn",
    "returnTo=https://evil.example/pwn",
    "returnTo=javascript:alert(document.domain)",
    // Double-encoded: arrives as a literal %2F%2F / %09 in the path, which is a path on our site.
    "returnTo=/%252F%252Fevil.example/pwn",
    "returnTo=/%2509/evil.example/pwn",
  ];
  await ensureSignedIn();
  const landings = [];
  for (const query of variants) {
    const consent = await new SignInLink(page, stack.webUrl).open(query);
    const landed = await consent.approveAndFollow(stack.sandboxUrl);
    landings.push(`${query} → ${landed.href}`);
    assert.equal(landed.origin, stack.webUrl, `${query} ended on ${landed.href} (requested off-site: ${offsiteRequests})`);
    assert.ok(await recordTokens(), `${query}: still signed in`);
  }
  assert.deepEqual(offsiteRequests, [], "the browser never asked another host for anything");
  assert.equal(landings.length, variants.length);
});

test("a GET of /logout asks first and never signs out", async () => {
  await ensureSignedIn();
  const before = await recordTokens();
  const signOut = new SignOutPage(page, stack.webUrl);
  assert.equal(await signOut.openByGet(), 200, "a page, not a 405");
  assert.match(new URL(page.url()).pathname, /^\/sign-out$/);
  assert.equal(await signOut.asksToSignOut(), true);
  assert.equal((await recordTokens())?.refreshToken, before.refreshToken, "the session is untouched");
});

test("another site's form POST to /logout does not sign the user out", async () => {
  for (const { label, site } of attackers) {
    await ensureSignedIn();
    const before = await recordTokens();
    assert.ok(before, `signed in before the visit to ${label}`);
    const action = `${stack.webUrl}/logout`;
    const answer = await new AttackerPage(page).lureInto(site.form(action, {}), action);
    assert.equal(answer.status, 403, `${label}: refused`);
    assert.ok(!answer.headers["set-cookie"], `${label}: no cookie touched`);
    const after = await recordTokens();
    assert.equal(after?.refreshToken, before.refreshToken, `${label}: session cookie unchanged`);
    await page.goto(`${stack.webUrl}/library`);
    assert.equal(new URL(page.url()).pathname, "/library", `${label}: still let into the library`);
    await page.getByTestId("sign-out").waitFor();
  }
});

test("another site's form POST to an /api route changes nothing", async () => {
  await ensureSignedIn();
  await page.goto(`${stack.webUrl}/library`);
  const saved = await sandboxGet("/v1/me/tracks?limit=1");
  const trackId = saved.items[0].track.id;
  // text/plain forms can carry a JSON body: `name` + "=" + `value`.
  const payload = (name) => ({ [`{"name":"${name}","track_ids":["${trackId}"],"description":"`]: `"}` });
  const action = `${stack.webUrl}/api/playlists`;

  // The control case: the same body from our own page is a valid request that saves a playlist.
  const ours = `Own page ${Date.now()}`;
  const [[field, value]] = Object.entries(payload(ours));
  const status = await page.evaluate(
    async ({ body }) => (await fetch("/api/playlists", { method: "POST", headers: { "Content-Type": "text/plain" }, body })).status,
    { body: `${field}=${value}` },
  );
  assert.equal(status, 201, "the payload is one the app accepts from its own pages");
  assert.ok((await playlistNames()).includes(ours));

  for (const { label, site } of attackers) {
    await ensureSignedIn();
    const name = `Pwned via ${label} ${Date.now()}`;
    const answer = await new AttackerPage(page).lureInto(site.form(action, payload(name), "text/plain"), action);
    assert.equal(answer.status, 403, `${label}: refused`);
    assert.match(answer.contentType, /^application\/problem\+json/);
    assert.equal(JSON.parse(answer.body).status, 403);
    assert.ok(!(await playlistNames()).includes(name), `${label}: no playlist was saved`);

    const ingest = `${stack.webUrl}/api/ingest/library`;
    const sync = await new AttackerPage(page).lureInto(site.form(ingest, { go: "1" }), ingest);
    assert.equal(sync.status, 403, `${label}: library sync refused`);
    assert.match(sync.contentType, /^application\/problem\+json/);
  }
  assert.ok(await recordTokens(), "still signed in");
});

/** Every route handler under app/ that answers a state-changing method, as [method, URL path]. */
function stateChangingRoutes(params) {
  const routes = [];
  for (const file of files(join(FRONTEND_DIR, "app"))) {
    if (!/\/route\.[jt]sx?$/.test(file)) continue;
    const source = readFileSync(file, "utf8");
    const methods = [...source.matchAll(/export\s+(?:async\s+function|const|function)\s+(POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]);
    const path = `/${relative(join(FRONTEND_DIR, "app"), file)}`
      .replace(/\/route\.[jt]sx?$/, "")
      .replace(/\[(\w+)\]/g, (_, name) => params[name] ?? assert.fail(`no value for [${name}] in ${file}`));
    for (const method of methods) routes.push([method, path || "/"]);
  }
  return routes;
}

test("another site's form POST to every state-changing route is refused", async () => {
  await ensureSignedIn();
  const playlist = (await sandboxGet("/v1/me/playlists?limit=1")).items[0].id;
  const routes = stateChangingRoutes({ id: playlist });
  const paths = routes.map(([, path]) => path);
  for (const known of ["/logout", "/api/playlists", "/api/recommend", "/api/ingest/library", `/api/ingest/playlists/${playlist}`]) {
    assert.ok(paths.includes(known), `${known} is found among the route handlers (${paths})`);
  }
  for (const [method, path] of routes) {
    // Only a POST can leave another site without a CORS preflight, which the app never grants.
    assert.equal(method, "POST", `${path} answers ${method}: add a cross-site check for it here`);
    for (const { label, site } of attackers) {
      await ensureSignedIn();
      const before = await recordTokens();
      const action = `${stack.webUrl}${path}`;
      const answer = await new AttackerPage(page).lureInto(site.form(action, { playlist_id: playlist, go: "1" }), action);
      assert.equal(answer.status, 403, `${label} → POST ${path}: refused`);
      if (path.startsWith("/api/")) assert.match(answer.contentType, /^application\/problem\+json/, `${label} → ${path}`);
      assert.ok(!answer.headers["set-cookie"], `${label} → ${path}: no cookie touched`);
      assert.equal((await recordTokens())?.refreshToken, before.refreshToken, `${label} → ${path}: still signed in`);
    }
  }
});

test("no Spotify token in any page, /_next chunk, process log or visited URL", async () => {
  await ensureSignedIn();
  // Pages that use the session on the server and in route handlers.
  const library = new LibraryPage(page, stack.webUrl);
  await library.goto();
  await library.waitForPlaylists();
  for (const path of ["/", "/map", "/sign-out", "/auth-error?reason=session"]) {
    await page.goto(`${stack.webUrl}${path}`);
    await page.waitForLoadState("load");
  }
  await recordTokens();
  assert.ok(tokens.size >= 4, `several sign-ins' tokens collected (${tokens.size})`);
  const leaks = (where, text) => {
    for (const t of tokens) assert.ok(!text.includes(t), `a Spotify token in ${where}`);
  };

  const pages = bodies.filter((b) => b.url.startsWith(stack.webUrl));
  assert.ok(pages.some((b) => /<html/i.test(b.body)), "HTML pages were received");
  for (const { url, body } of pages) leaks(url, body);

  let chunks = 0;
  const staticDir = join(FRONTEND_DIR, ".next", "static");
  for (const file of files(staticDir)) {
    if (!file.endsWith(".js")) continue;
    const url = `${stack.webUrl}/_next/static/${relative(staticDir, file).split("\\").join("/")}`;
    const res = await fetch(url);
    assert.equal(res.status, 200, url);
    leaks(url, await res.text());
    chunks++;
  }
  assert.ok(chunks > 0, "JS chunks were served");

  const logs = {};
  for (const file of files(stack.logDir)) {
    const text = readFileSync(file, "utf8");
    leaks(`log ${file}`, text);
    logs[relative(stack.logDir, file)] = text.length;
  }
  assert.deepEqual(Object.keys(logs).sort(), ["backend.log", "sandbox.log", "web.log"], "every process's log was read");

  assert.ok(visitedUrls.size > 20);
  for (const url of visitedUrls) {
    leaks(`the URL ${url}`, url);
    leaks(`the URL ${url}`, (() => {
      try {
        return decodeURIComponent(url);
      } catch {
        return url;
      }
    })());
  }
  console.log(`scanned ${pages.length} responses, ${chunks} chunks, logs ${JSON.stringify(logs)}, ${visitedUrls.size} URLs for ${tokens.size} tokens`);
});

test("the sign-out page's button does sign out", async () => {
  await ensureSignedIn();
  const signOut = new SignOutPage(page, stack.webUrl);
  await signOut.openByGet();
  await signOut.confirm();
  await new LandingPage(page, stack.webUrl).isSignedOut();
  assert.equal(await sessionCookie(page.context(), stack), null, "no session cookie");
  // Signing back in and out from the header still works (a same-origin POST).
  await signIn();
  await new Header(page).signOut();
  assert.equal(await sessionCookie(page.context(), stack), null);
});
