// Peer for the Coffer benchmark suite: whatsapp-chat-parser parsing one export file, parse only
// (the file is read into memory first; only parseString is timed). Prints JSON on stdout.
// usage: node parse.mjs MODULE_DIR EXPORT_FILE RUNS [WARMUP_SECONDS]
// Warm-up as the Coffer side does it: parse again and again, unmeasured, for WARMUP_SECONDS (at
// least one run; 0 or absent: one run), then RUNS measured runs.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [moduleDir, file, runsArg, warmupArg] = process.argv.slice(2);
const require = createRequire(path.join(moduleDir, 'package.json'));
const entry = require.resolve('whatsapp-chat-parser');
const parser = await import(pathToFileURL(entry).href);
const parseString = parser.parseString ?? parser.default?.parseString;
const text = readFileSync(file, 'utf8');
const warmUntil = process.hrtime.bigint() + BigInt(Math.round(Number(warmupArg ?? 0) * 1e9));
let warmupRuns = 0;
while (warmupRuns < 1 || process.hrtime.bigint() < warmUntil) {
  parseString(text);
  warmupRuns++;
}
const seconds = [];
let messages = 0;
for (let i = 0; i < Number(runsArg); i++) {
  const t = process.hrtime.bigint();
  const parsed = parseString(text);
  seconds.push(Number(process.hrtime.bigint() - t) / 1e9);
  messages = parsed.length;
}
console.log(JSON.stringify({ messages, seconds, warmup_runs: warmupRuns, node: process.version }));
