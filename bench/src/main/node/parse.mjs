// Peer for the Coffer benchmark suite: whatsapp-chat-parser parsing one export file, parse only
// (the file is read into memory first; only parseString is timed). Prints JSON on stdout.
// usage: node parse.mjs MODULE_DIR EXPORT_FILE RUNS [WARMUP_SECONDS WARMUP_RUNS BLOCK MAX_SECONDS]
// Warm-up by the Coffer side's rule (Bench.parse): parse again and again, unmeasured, in blocks of
// BLOCK runs, for at least WARMUP_SECONDS and WARMUP_RUNS runs, until two blocks in a row have a
// median time no more than 5 % below the best block before them, or MAX_SECONDS; then RUNS
// measured runs. Without the
// warm-up arguments: one unmeasured run.
// Run with --expose-gc (Bench.parse does): before each measured run, outside its time, a full
// collection drops the previous runs' garbage, as our side does (ParseRun); collections inside a
// run still count in its time and are reported per run (gc_counts, gc_ms: V8's scavenges and
// mark-compacts whose start falls inside the run, from PerformanceObserver 'gc' entries).
import { readFileSync } from 'node:fs';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [moduleDir, file, runsArg, warmupArg, warmupRunsArg, blockArg, maxArg] = process.argv.slice(2);
const require = createRequire(path.join(moduleDir, 'package.json'));
const entry = require.resolve('whatsapp-chat-parser');
const parser = await import(pathToFileURL(entry).href);
const parseString = parser.parseString ?? parser.default?.parseString;
const text = readFileSync(file, 'utf8');
const minSeconds = Number(warmupArg ?? 0);
const minRuns = Number(warmupRunsArg ?? 1);
const block = Math.max(1, Number(blockArg ?? 1));
const maxSeconds = Number(maxArg ?? 0);
const warmStart = process.hrtime.bigint();
let warmupRuns = 0;
let previousBlock = Infinity;
let settledBlocks = 0;
while (true) {
  const times = [];
  for (let i = 0; i < block; i++) {
    const t = process.hrtime.bigint();
    parseString(text);
    times.push(Number(process.hrtime.bigint() - t));
    warmupRuns++;
  }
  times.sort((x, y) => x - y);
  const median = times[Math.floor(block / 2)];
  const elapsed = Number(process.hrtime.bigint() - warmStart) / 1e9;
  settledBlocks = median > 0.95 * previousBlock ? settledBlocks + 1 : 0;
  previousBlock = Math.min(previousBlock, median);
  if (elapsed >= maxSeconds
      || (elapsed >= minSeconds && warmupRuns >= minRuns && settledBlocks >= 2)) {
    break;
  }
}
const gcEntries = [];
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcEntries.push({ start: e.startTime, duration: e.duration });
});
observer.observe({ entryTypes: ['gc'] });
const seconds = [];
const spans = [];
let messages = 0;
for (let i = 0; i < Number(runsArg); i++) {
  if (typeof globalThis.gc === 'function') globalThis.gc(); // outside the time, as on our side
  const from = performance.now();
  const t = process.hrtime.bigint();
  const parsed = parseString(text);
  seconds.push(Number(process.hrtime.bigint() - t) / 1e9);
  spans.push([from, performance.now()]);
  messages = parsed.length;
}
// The observer's entries arrive asynchronously: let them in before counting.
await new Promise((resolve) => setTimeout(resolve, 100));
observer.disconnect();
const gcCounts = spans.map(([a, b]) => gcEntries.filter((e) => e.start >= a && e.start < b).length);
const gcMs = spans.map(([a, b]) => gcEntries.filter((e) => e.start >= a && e.start < b)
  .reduce((sum, e) => sum + e.duration, 0));
console.log(JSON.stringify({
  messages, seconds, gc_counts: gcCounts, gc_ms: gcMs, warmup_runs: warmupRuns,
  node: process.version, node_options: process.execArgv,
  explicit_gc: typeof globalThis.gc === 'function',
}));
