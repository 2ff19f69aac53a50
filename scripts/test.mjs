#!/usr/bin/env node
// Runs every package's tests through turbo (one at a time: the suites measure
// behaviour with real workers, and a 2-core machine is easily oversubscribed),
// streams their output, and ends with one line that adds up the runners'
// own counts: "N passed, N failed".
import { spawn } from "node:child_process";

const args = ["turbo", "run", "test", "--concurrency=1", "--output-logs=full", ...process.argv.slice(2)];
const child = spawn("pnpm", ["exec", ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...withoutForceColor(process.env), NO_COLOR: "1" } });
let passed = 0;
let failed = 0;
let skipped = 0;
let pending = "";
function count(line) {
  const plain = line.replace(/\x1b\[[0-9;]*m/g, "").replace(/^[^:]*:test:\s*/, "");
  let match;
  if ((match = /^# pass (\d+)$/.exec(plain))) passed += Number(match[1]); // node:test
  else if ((match = /^# fail (\d+)$/.exec(plain))) failed += Number(match[1]);
  else if ((match = /^# skipped (\d+)$/.exec(plain))) skipped += Number(match[1]);
  else if ((match = /^\s*(\d+) pass$/.exec(plain))) passed += Number(match[1]); // bun test
  else if ((match = /^\s*(\d+) fail$/.exec(plain))) failed += Number(match[1]);
  else if ((match = /^\s*(\d+) skip$/.exec(plain))) skipped += Number(match[1]);
  else if ((match = /^(?:ok|FAILED) \| (\d+) passed(?: \((\d+) steps?\))? \| (\d+) failed(?: \((\d+) steps?\))?(?: \| (\d+) ignored(?: \((\d+) steps?\))?)?/.exec(plain))) {
    // deno test: count steps when the file uses describe/it
    passed += Number(match[2] ?? match[1]);
    failed += Number(match[4] ?? match[3]);
    skipped += Number(match[6] ?? match[5] ?? 0);
  }
}
for (const stream of [child.stdout, child.stderr]) {
  stream.on("data", (chunk) => {
    const text = chunk.toString();
    (stream === child.stdout ? process.stdout : process.stderr).write(text);
    pending += text;
    const lines = pending.split("\n");
    pending = lines.pop();
    lines.forEach(count);
  });
}
child.on("close", (code) => {
  if (pending) count(pending);
  console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(code ?? 1);
});

/** The environment without FORCE_COLOR: Deno reads any FORCE_COLOR, even "0", as "use colors". */
function withoutForceColor(env) {
  const { FORCE_COLOR: _, ...rest } = env;
  return rest;
}
