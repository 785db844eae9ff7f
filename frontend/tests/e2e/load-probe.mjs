// What the load test measures besides latency: the resident memory of every process of the
// stack, read from /proc (each server and each of its descendants: Next's child server, DSP
// pool workers), and the V8 heap of every Node process that runs heap-probe.mjs.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";

function readProc(pid, file) {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return null;
  }
}

/** Resident set size of one process in MB, or null when it has exited. */
export function rssMb(pid) {
  const status = readProc(pid, "status");
  const kb = status && /VmRSS:\s+(\d+)/.exec(status)?.[1];
  return kb ? Number(kb) / 1024 : null;
}

function childrenOf(pid) {
  let tasks;
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return tasks.flatMap((task) => (readProc(pid, `task/${task}/children`) ?? "").trim().split(/\s+/).filter(Boolean).map(Number));
}

/** A process and all its descendants, parents first. */
export function processTree(root) {
  const out = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.shift();
    if (readProc(pid, "status") === null) continue;
    out.push(pid);
    stack.push(...childrenOf(pid));
  }
  return out;
}

/** A short name for what a process is, from its command line. */
export function describe(pid) {
  const argv = (readProc(pid, "cmdline") ?? "").split("\0").filter(Boolean);
  const line = argv.join(" ");
  if (/resource_tracker/.test(line)) return "multiprocessing resource tracker";
  if (/multiprocessing|forkserver|spawn_main/.test(line)) return "DSP pool worker";
  if (/import warm; warm\(\)/.test(line)) return "numba cache fill";
  if (argv.length && /^next-server/.test(argv[0])) return "next-server";
  const script = argv.find((a, i) => i > 0 && !a.startsWith("-"));
  const sub = argv[argv.indexOf(script) + 1];
  if (script && /resonance$/.test(script) && sub) return `resonance ${sub}`;
  if (script && /\/next$/.test(script)) return `next ${sub ?? ""}`.trim();
  return [basename(argv[0] ?? `pid ${pid}`), script ? basename(script) : ""].join(" ").trim();
}

/** Every record heap-probe.mjs wrote for `pid`, oldest first (a line being written is skipped). */
function heapRecords(dir, pid) {
  const file = join(dir, `heap-${pid}.jsonl`);
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .flatMap((line) => {
      try {
        return line ? [JSON.parse(line)] : [];
      } catch {
        return [];
      }
    });
}

/** The newest heap figures heap-probe.mjs wrote for `pid`, or null. */
export function heapOf(dir, pid) {
  return heapRecords(dir, pid).at(-1) ?? null;
}

/**
 * Samples the memory of every process under each named root. Columns are processes, named
 * by role and kind ("web next-server", "api DSP pool worker 2"), created when first seen.
 */
export class MemorySampler {
  constructor(roots, heapDir) {
    this.roots = roots;
    this.heapDir = heapDir;
    this.columns = new Map(); // pid -> label
    this.rows = [];
  }

  label(role, pid) {
    if (!this.columns.has(pid)) {
      const base = `${role} ${describe(pid)}`;
      const same = [...this.columns.values()].filter((l) => l === base || l.startsWith(`${base} #`)).length;
      this.columns.set(pid, same ? `${base} #${same + 1}` : base);
    }
    return this.columns.get(pid);
  }

  sample(extra) {
    const rss = {};
    const heap = {};
    for (const [role, root] of Object.entries(this.roots)) {
      for (const pid of processTree(root)) {
        const mb = rssMb(pid);
        if (mb === null) continue;
        const label = this.label(role, pid);
        rss[label] = mb;
        const h = this.heapDir && heapOf(this.heapDir, pid);
        if (h) heap[label] = h;
      }
    }
    this.rows.push({ ...extra, rss, heap });
  }

  /** Markdown: one row per sample, RSS in MB per process, and the total. */
  memoryTable() {
    const labels = [...new Set(this.rows.flatMap((r) => Object.keys(r.rss)))];
    const head = ["t (s)", "req/s", "p50 ms", "p99 ms", ...labels.map((l) => `${l} MB`), "total MB"];
    const lines = [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`];
    for (const r of this.rows) {
      const cells = labels.map((l) => (r.rss[l] === undefined ? "–" : r.rss[l].toFixed(0)));
      const total = Object.values(r.rss).reduce((a, b) => a + b, 0);
      lines.push(`| ${[r.t, r.rps, r.p50, r.p99, ...cells, total.toFixed(0)].join(" | ")} |`);
    }
    return lines.join("\n");
  }

  /** Markdown: V8 heap against RSS for each process that ran the heap probe. */
  heapTable() {
    const labels = [...new Set(this.rows.flatMap((r) => Object.keys(r.heap)))];
    if (!labels.length) return "(no heap probe ran)";
    const lines = [];
    for (const l of labels) {
      const limit = this.rows.map((r) => r.heap[l]).find(Boolean)?.heapLimit;
      lines.push(`${l} (V8 heap limit ${(limit / 2 ** 20).toFixed(0)} MB)`, "");
      lines.push("| t (s) | RSS MB | heap total MB | heap used MB | new space MB | old space MB | external + buffers MB |");
      lines.push("|---|---|---|---|---|---|---|");
      for (const r of this.rows) {
        const h = r.heap[l];
        if (!h) continue;
        const mb = (x) => ((x ?? 0) / 2 ** 20).toFixed(0);
        lines.push(
          `| ${r.t} | ${mb(h.rss)} | ${mb(h.heapTotal)} | ${mb(h.heapUsed)} | ${mb(h.spaces.new_space)} | ${mb(h.spaces.old_space)} | ${mb(h.external + h.arrayBuffers)} |`,
        );
      }
      lines.push("");
    }
    return lines.join("\n");
  }
}

/** The p-th quantile (0..1) of `xs`, nearest rank. */
export function quantile(xs, p) {
  if (!xs.length) return NaN;
  const sorted = Float64Array.from(xs).sort();
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1))];
}

/**
 * Asks every process under `roots` that runs heap-probe.mjs for a full garbage collection and
 * returns what its heap retains afterwards: { label: { heapUsed, heapTotal, rss } } in MB.
 */
export async function retainedHeap(sampler) {
  const out = {};
  for (const [role, root] of Object.entries(sampler.roots)) {
    for (const pid of processTree(root)) {
      const before = heapOf(sampler.heapDir, pid);
      if (!before) continue;
      process.kill(pid, "SIGUSR2");
      const deadline = Date.now() + 10_000;
      let after = null;
      while (Date.now() < deadline) {
        await new Promise((ok) => setTimeout(ok, 250));
        // The probe's periodic line may land after the collection's: look at all new ones.
        after = heapRecords(sampler.heapDir, pid).find((h) => h.afterGc && h.t > before.t) ?? null;
        if (after) break;
      }
      if (!after) throw new Error(`${sampler.label(role, pid)} did not answer the full-GC request`);
      const mb = (x) => Math.round(x / 2 ** 20);
      out[sampler.label(role, pid)] = { heapUsed: mb(after.heapUsed), heapTotal: mb(after.heapTotal), rss: mb(after.rss) };
    }
  }
  return out;
}
