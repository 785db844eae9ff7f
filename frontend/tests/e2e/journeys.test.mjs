// Journeys in headless Chromium against real processes (sandbox, backend API, `next start`):
// a playlist ordered for flow, a song path from A to B, and a radio that takes feedback.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchBrowser, startStack } from "./harness.mjs";
import { LandingPage } from "./pages/auth.mjs";
import { OrderForFlowPanel, PathBuilderPage, RadioPage } from "./pages/journeys.mjs";
import { LibraryPage } from "./pages/library.mjs";

let stack;
let browser;
let page;
const pageErrors = [];

before(async () => {
  stack = await startStack();
  browser = await launchBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.setDefaultTimeout(30_000);
  page.on("pageerror", (err) => pageErrors.push(err.message));
  const landing = new LandingPage(page, stack.webUrl);
  await landing.goto();
  const consent = await landing.startSignIn();
  await consent.approve(stack.webUrl);
  // Analyse one readable playlist: its tracks and sound are what the journeys work on.
  const library = new LibraryPage(page, stack.webUrl);
  await library.waitForPlaylists();
  const readable = (await library.playlists()).find((p) => p.readable);
  const playlist = await library.open(readable.id);
  await playlist.analyse();
  await new OrderForFlowPanel(page).waitUntilOffered();
});

after(async () => {
  await browser?.close();
  if (stack) {
    if (process.env.E2E_KEEP) console.log(`logs kept in ${stack.logDir}`);
    await stack.stop();
  }
});

test("a playlist is ordered for flow, with its cost against the original and an arc chart", async () => {
  const panel = new OrderForFlowPanel(page);
  await panel.order("energy:rising");
  const ordered = await panel.ordered();
  assert.ok(ordered.length >= 2, "the playlist's catalogued tracks, re-ordered");
  assert.equal(new Set(ordered).size, ordered.length, "every track once");
  assert.match(await panel.total(), /^Transition cost \d+\.\d\d against \d+\.\d\d in the playlist's order/);
  assert.match(await panel.chartText(), /^Energy (from|is not measured)/, "the energy arc, once measured");
  assert.deepEqual(pageErrors, []);
});

test("the path builder goes from A to B in explained steps, and refuses A = B", async () => {
  const builder = new PathBuilderPage(page, stack.webUrl);
  await builder.goto();
  const choices = await builder.trackChoices();
  assert.ok(choices.length >= 2, "library tracks to pick from");
  await builder.build(choices[0], choices[0], 5);
  assert.match((await builder.error()) ?? "", /same track/);
  await builder.build(choices[0], choices[choices.length - 1], 5);
  const steps = await builder.steps();
  assert.equal(steps.length, 5);
  assert.deepEqual([steps[0].id, steps[4].id], [Number(choices[0]), Number(choices[choices.length - 1])]);
  assert.match(steps[2].sentence, /^Step 3 of 5: .+\.$/);
  await builder.chooseChart("tempo_bpm");
  // The sound analysis may still be running: the chart then says tempo is not measured yet.
  assert.match(await builder.chartText(), /^Tempo \(BPM\) (from|is not measured)/);
  assert.deepEqual(pageErrors, []);
});

test("the radio takes likes, skips and dislikes and says what they changed", async () => {
  const radio = new RadioPage(page, stack.webUrl);
  await radio.goto();
  await radio.start();
  const first = await radio.tracks();
  assert.ok(first.length >= 3, "a first batch");
  assert.ok(first.every((t) => /one of your seeds/.test(t.because)));
  await radio.give(0, "like");
  await radio.give(1, "skip");
  await radio.give(2, "dislike");
  await radio.next();
  const second = await radio.tracks();
  assert.ok(!second.some((t) => first.some((f) => f.id === t.id)), "nothing plays twice");
  const changes = await radio.changes();
  assert.ok(changes.some((c) => /^more like “.+”, which you liked$/.test(c)), changes.join("; "));
  assert.ok(changes.some((c) => /^less like “.+”, which you skipped$/.test(c)), changes.join("; "));
  assert.ok(changes.some((c) => /^less like “.+”, which you disliked$/.test(c)), changes.join("; "));
  assert.deepEqual(pageErrors, []);
});
