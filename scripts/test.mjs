#!/usr/bin/env node
// Runs every package's tests through turbo, one package at a time (the suites
// measure behaviour with real workers, and a 2-core machine is easily
// oversubscribed) and with --continue (one failing package does not hide the
// others), streams their output, and ends with one line that adds up the
// counts: "tests: N passed, N failed, N skipped".
//
// The counts come from the JSON reports that scripts/vitest.mjs writes to
// .test-reports/pnpm-test/ (one per package and runtime: numPassedTests,
// numFailedTests, numPendingTests + numTodoTests). A package whose tests do
// not run through vitest yet (node:test, bun test or deno test) and so wrote
// no report is counted from its runner's summary lines instead.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
// This run's own folder (scripts/vitest.mjs reads OFFLOOP_TEST_REPORTS): a package tested by hand
// in the same checkout meanwhile writes to .test-reports/ itself and cannot change these counts.
const reports = join(root, ".test-reports", "pnpm-test");
rmSync(reports, { recursive: true, force: true });

const started = Date.now();
const args = ["turbo", "run", "test", "--concurrency=1", "--continue", "--output-logs=full", ...process.argv.slice(2)];
const child = spawn("pnpm", ["exec", ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...withoutForceColor(process.env), NO_COLOR: "1", OFFLOOP_TEST_REPORTS: reports } });

child.on("error", (error) => {
  console.error(`scripts/test.mjs: could not start \`pnpm exec turbo\` (${error.message}); run it as \`pnpm test\` or \`pnpm exec node scripts/test.mjs\`, which put pnpm on PATH`);
  process.exit(1);
});

/** Text counts per package name, for packages that wrote no vitest report. */
const textCounts = new Map();
let pending = "";
function countText(line) {
  const plain = line.replace(/\x1b\[[0-9;]*m/g, "");
  const prefix = /^([^:\s]+):test:\s?(.*)$/.exec(plain);
  if (!prefix) return;
  const [, name, text] = prefix;
  const counts = textCounts.get(name) ?? { passed: 0, failed: 0, skipped: 0 };
  textCounts.set(name, counts);
  let match;
  if ((match = /^(?:#|ℹ) pass (\d+)$/.exec(text))) counts.passed += Number(match[1]); // node:test (Node 20/22: "#", Node 24: "ℹ")
  else if ((match = /^(?:#|ℹ) fail (\d+)$/.exec(text))) counts.failed += Number(match[1]);
  else if ((match = /^(?:#|ℹ) (?:skipped|todo) (\d+)$/.exec(text))) counts.skipped += Number(match[1]);
  else if ((match = /^\s*(\d+) pass$/.exec(text))) counts.passed += Number(match[1]); // bun test
  else if ((match = /^\s*(\d+) fail$/.exec(text))) counts.failed += Number(match[1]);
  else if ((match = /^\s*(\d+) (?:skip|todo)$/.exec(text))) counts.skipped += Number(match[1]);
  else if ((match = /^(?:ok|FAILED) \| (\d+) passed(?: \((\d+) steps?\))? \| (\d+) failed(?: \((\d+) steps?\))?(?: \| (\d+) ignored(?: \((\d+) steps?\))?)?/.exec(text))) {
    // deno test: count steps when the file uses describe/it
    counts.passed += Number(match[2] ?? match[1]);
    counts.failed += Number(match[4] ?? match[3]);
    counts.skipped += Number(match[6] ?? match[5] ?? 0);
  }
}
for (const stream of [child.stdout, child.stderr]) {
  stream.on("data", (chunk) => {
    const text = chunk.toString();
    (stream === child.stdout ? process.stdout : process.stderr).write(text);
    pending += text;
    const lines = pending.split("\n");
    pending = lines.pop();
    lines.forEach(countText);
  });
}

child.on("close", (code) => {
  if (pending) countText(pending);
  const total = { passed: 0, failed: 0, skipped: 0 };
  const rows = [];
  const reported = new Set();
  for (const file of existsSync(reports) ? readdirSync(reports).sort() : []) {
    if (!file.endsWith(".json")) continue;
    const [label, runtime = "?"] = file.slice(0, -".json".length).split("--");
    reported.add(label);
    let report;
    try {
      report = JSON.parse(readFileSync(join(reports, file), "utf8"));
    } catch (error) {
      rows.push({ label, runtime, passed: 0, failed: 1, skipped: 0, note: `unreadable report: ${error.message}` });
      continue;
    }
    // A test file that failed to load has no tests, and would count nothing: it counts as one failure.
    const brokenFiles = (report.testResults ?? []).filter((result) => result.status === "failed" && (result.assertionResults ?? []).every((test) => test.status !== "failed")).length;
    const row = {
      label,
      runtime,
      passed: report.numPassedTests ?? 0,
      failed: (report.numFailedTests ?? 0) + brokenFiles,
      skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
      note: brokenFiles > 0 ? `${brokenFiles} test file(s) failed outside any test` : "",
    };
    rows.push(row);
  }
  for (const [name, counts] of textCounts) {
    if (reported.has(label(name)) || counts.passed + counts.failed + counts.skipped === 0) continue;
    rows.push({ label: label(name), runtime: "(runner's own output)", ...counts, note: "" });
  }
  if (rows.length > 0) {
    console.log("\nper package and runtime (passed / failed / skipped):");
    for (const row of rows) {
      console.log(`  ${`${row.label} on ${row.runtime}`.padEnd(52)} ${String(row.passed).padStart(5)} ${String(row.failed).padStart(4)} ${String(row.skipped).padStart(4)}${row.note ? `  ${row.note}` : ""}`);
      total.passed += row.passed;
      total.failed += row.failed;
      total.skipped += row.skipped;
    }
  }
  console.log(`(${((Date.now() - started) / 60_000).toFixed(1)} min; turbo exited ${code})`);
  console.log(`\ntests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  process.exit(code === 0 && total.failed === 0 ? 0 : 1);
});

/** The report label scripts/vitest.mjs uses for a package name: "@offloop/core" → "offloop-core". */
function label(name) {
  return name.replace(/^@/, "").replace(/[^A-Za-z0-9._-]+/g, "-");
}

/** The environment without FORCE_COLOR: Deno reads any FORCE_COLOR, even "0", as "use colors". */
function withoutForceColor(env) {
  const { FORCE_COLOR: _, ...rest } = env;
  return rest;
}
