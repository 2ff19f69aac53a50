import { expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { headline, runReport, runExample, runtimesOf, unavailable } from "../../../scripts/example-runtimes.mjs";

const dir = fileURLToPath(new URL("..", import.meta.url));
// The example writes the same 48 files on every runtime (integer arithmetic from a fixed seed), so the counts are known.
const WORDS = "295,929";
const DISTINCT = "2,000";

for (const runtime of runtimesOf(dir)) {
  it(`word-count on ${runtime.name}: 4 tasks fed by a Channel, counts merged under a Mutex, equal to the single-threaded count`, async ({ skip }) => {
    const reason = unavailable(runtime, dir);
    if (reason) return skip(reason);
    const result = await runExample(runtime, dir, "main.ts", { timeout: 90_000 });
    const stdout = result.stdout;
    expect(result.code, runReport(result)).toBe(0);
    expect(stdout).toMatch(new RegExp(`^word-count on ${runtime.name}: 48 text files \\(1,728,733 bytes, written by this program\\) -> 4 tasks in a ThreadPoolExecutor, Channel\\(8\\), one Mutex`, "m"));
    // The progress bar's last state: every file merged.
    expect(stdout).toMatch(new RegExp(`counting \\[=+\\] 48/48 files 100% \\| ${WORDS} words`));
    // One line per task; together they took each of the 48 files once.
    const tasks = [...stdout.matchAll(/^ {2}task (\d) \(worker \d+\): +(\d+) files, +([\d,]+) words$/gm)];
    expect(tasks.map((task) => Number(task[1])), stdout).toEqual([1, 2, 3, 4]);
    expect(tasks.reduce((sum, task) => sum + Number(task[2]), 0)).toBe(48);
    expect(tasks.reduce((sum, task) => sum + Number(task[3].replaceAll(",", "")), 0).toLocaleString("en-US")).toBe(WORDS);
    // The top 10, most frequent first (Zipf: "the" leads).
    expect(stdout).toContain(`top 10 of ${DISTINCT} distinct words:`);
    const top = [...stdout.matchAll(/^ {2}( \d|\d\d)\. (\S+) +([\d,]+) +[\d.]+%$/gm)];
    expect(top, stdout).toHaveLength(10);
    expect(top[0][2]).toBe("the");
    const counts = top.map((row) => Number(row[3].replaceAll(",", "")));
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    // The check against the main thread's count, word by word.
    expect(stdout).toMatch(new RegExp(`^single-threaded: ${WORDS} words, ${DISTINCT} distinct, in \\d+ ms`, "m"));
    expect(stdout).toContain(`the shared table matches: ${DISTINCT} of ${DISTINCT} words with the same count, ${WORDS} words in all; 48 files, each counted once`);
    expect(stdout).not.toContain("MISMATCH");
    expect(headline(stdout)).toBe("48 files counted by 4 tasks through a Channel; totals under a Mutex match the single-threaded count");
  }, 120_000);
}
