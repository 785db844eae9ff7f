#!/usr/bin/env node
// First-load JavaScript per app route, gzipped, from the production build's manifests.
// Next 16 no longer prints sizes after `next build`, so this reads what the browser would fetch
// on a cold first visit: the root main files plus every chunk the route's entries (layout,
// error/not-found boundaries, page) need. Usage: node scripts/first-load-js.mjs [--max-kb 200]
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import vm from "node:vm";
import { gzipSync } from "node:zlib";

const root = join(import.meta.dirname, "..", ".next");
const build = JSON.parse(readFileSync(join(root, "build-manifest.json"), "utf8"));
const maxIdx = process.argv.indexOf("--max-kb");
const maxKb = maxIdx > 0 ? Number(process.argv[maxIdx + 1]) : Infinity;

const sizeCache = new Map();
function gz(file) {
  const path = join(root, file.replace(/^\/?_next\//, ""));
  if (!sizeCache.has(path)) sizeCache.set(path, gzipSync(readFileSync(path), { level: 9 }).length);
  return sizeCache.get(path);
}

function* manifests(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* manifests(p);
    else if (name === "page_client-reference-manifest.js") yield p;
  }
}

const rows = [];
for (const file of manifests(join(root, "server", "app"))) {
  const sandbox = { globalThis: {} };
  sandbox.globalThis = sandbox;
  vm.runInNewContext(readFileSync(file, "utf8"), sandbox);
  const [key, manifest] = Object.entries(sandbox.__RSC_MANIFEST)[0];
  const files = new Set(build.rootMainFiles);
  for (const list of Object.values(manifest.entryJSFiles ?? {})) for (const f of list) files.add(f);
  const total = [...files].reduce((s, f) => s + gz(f), 0);
  const route = key.replace(/\/page$/, "") || "/";
  rows.push({ route: route === "" ? "/" : route, kb: total / 1024, files: files.size, file: relative(root, file) });
}
rows.sort((a, b) => a.route.localeCompare(b.route));
const shared = build.rootMainFiles.reduce((s, f) => s + gz(f), 0) / 1024;
console.log(`First-load JS per route (gzip -9), shared by all: ${shared.toFixed(1)} kB`);
console.log("route".padEnd(28) + "first-load kB".padStart(14) + "chunks".padStart(8));
let over = 0;
for (const r of rows) {
  const flag = r.kb > maxKb ? "  OVER" : "";
  if (flag) over++;
  console.log(r.route.padEnd(28) + r.kb.toFixed(1).padStart(14) + String(r.files).padStart(8) + flag);
}
if (over) {
  console.error(`${over} route(s) over ${maxKb} kB`);
  process.exit(1);
}
