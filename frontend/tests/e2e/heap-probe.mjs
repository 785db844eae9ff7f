// Preloaded into the Next.js server by the load test only (NODE_OPTIONS=--import), never in
// production: every few seconds it appends the process's V8 heap figures to
// $LOAD_HEAP_DIR/heap-<pid>.jsonl, so that the load report can set heap used against RSS.
// It reads counters and writes one small line; it holds no references to the app's objects.
// On SIGUSR2 it runs a full garbage collection first and marks the line, so that the load test
// can compare what the heap retains before and after the load (a leak shows there).
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import v8 from "node:v8";
import vm from "node:vm";

const dir = process.env.LOAD_HEAP_DIR;
if (dir) {
  const file = join(dir, `heap-${process.pid}.jsonl`);
  const every = Number(process.env.LOAD_HEAP_EVERY_MS || 5000);
  const write = (afterGc = false) => {
    const m = process.memoryUsage();
    const spaces = {};
    for (const s of v8.getHeapSpaceStatistics()) spaces[s.space_name] = s.space_size;
    const limit = v8.getHeapStatistics().heap_size_limit;
    try {
      appendFileSync(file, `${JSON.stringify({ t: Date.now(), afterGc, ...m, heapLimit: limit, spaces })}\n`);
    } catch {
      /* the run's directory is gone: the test is over */
    }
  };
  write();
  setInterval(write, every).unref();
  process.on("SIGUSR2", () => {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc");
    gc(); // with no options: a full, synchronous collection
    write(true);
  });
}
