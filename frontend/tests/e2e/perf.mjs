// Performance figures (printed, not asserted) on the largest catalogue the sandbox offers:
// signs in as the sandbox's "crate" user (10,000 saved tracks, a 1,000-track playlist),
// then times the recommendations page and control changes. Run: npm run test:perf
import { after, before, test } from "node:test";
import { launchBrowser, startStack } from "./harness.mjs";
import { LandingPage } from "./pages/auth.mjs";
import { LibraryPage } from "./pages/library.mjs";
import { RecommendationsPage } from "./pages/recommendations.mjs";

let stack;
let browser;
let page;
const figures = {};

before(async () => {
  stack = await startStack();
  browser = await launchBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.setDefaultTimeout(60_000);
});

after(async () => {
  console.log("\n=== performance figures ===");
  for (const [k, v] of Object.entries(figures)) console.log(`${k}: ${JSON.stringify(v)}`);
  await browser?.close();
  await stack?.stop();
});

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test("recommendations page on a 10,000-track catalogue", { timeout: 900_000 }, async () => {
  const landing = new LandingPage(page, stack.webUrl);
  await landing.goto();
  const consent = await landing.startSignIn();
  await consent.approve(stack.webUrl, "crate");
  const library = new LibraryPage(page, stack.webUrl);
  let t = Date.now();
  await page.getByTestId("playlist-row").first().waitFor({ timeout: 600_000 });
  figures["library sync s"] = (Date.now() - t) / 1000;
  const playlists = await library.playlists();
  const readable = playlists.filter((p) => p.readable);
  const biggest = readable
    .map((p) => ({ ...p, n: Number((/(\d+) tracks/.exec(p.text) ?? [0, 0])[1]) }))
    .sort((a, b) => b.n - a.n)[0];
  figures["seed playlist tracks"] = biggest.n;
  const playlist = await library.open(biggest.id);
  await page.getByRole("heading", { level: 1 }).waitFor();
  t = Date.now();
  await playlist.analyse();
  await playlist.waitForAnalysis(600_000);
  figures["playlist analysis s"] = (Date.now() - t) / 1000;
  const stats = await (
    await fetch(`${stack.backendUrl}/v1/catalog/stats`, { headers: { Authorization: `Bearer ${stack.serviceToken}` } })
  ).json();
  figures["catalogue tracks"] = stats.tracks;
  await playlist.getRecommendations();
  const recs = new RecommendationsPage(page);
  t = Date.now();
  await recs.waitForResults(20, 300_000);
  figures["first recommendations after analysis s (includes the index build)"] = (Date.now() - t) / 1000;
  const url = page.url();
  const tti = [];
  for (let i = 0; i < 5; i++) {
    await page.goto(url);
    tti.push(
      await page.evaluate(
        () =>
          new Promise((resolve) => {
            const check = () =>
              document.querySelectorAll('[data-testid="rec-card"]').length >= 20 &&
              document.querySelector('[data-testid="diversity"]')
                ? resolve(performance.now())
                : requestAnimationFrame(check);
            check();
          }),
      ),
    );
  }
  figures["TTI ms, 20 results (runs)"] = tti.map(Math.round);
  figures["TTI ms, median"] = Math.round(median(tti));
  const changes = [];
  for (const v of [0.9, 0.2, 0.6, 0.4, 0.8]) changes.push(await recs.setDiversityTimed(v));
  figures["control change → re-render ms (runs, incl. 80 ms debounce)"] = changes.map(Math.round);
  figures["control change median ms"] = Math.round(median(changes));
});
