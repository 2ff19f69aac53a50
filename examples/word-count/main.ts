// A parallel word count: 4 tasks in a ThreadPoolExecutor pull file names from
// a Channel and merge their counts into one table in shared memory under a
// Mutex, while a progress bar follows the files merged. Then the same count on
// the main thread, one file after the other, to check the table word by word.
// The input is written by this program: a few dozen text files in a temporary
// folder (removed at the end), the same words on every run and runtime.
//   node main.ts [--files 48] [--tasks 4]
import { ThreadPoolExecutor, gather, runtime } from "offloop";
import { Channel, Mutex } from "offloop/shared";
import { SingleBar } from "cli-progress";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import tasks, { WordTable, countWords } from "./tasks.ts";

const option = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
};
const FILES = Number(option("files", "48"));
const TASKS = Number(option("tasks", "4"));
const CAPACITY = 8;
const TOP = 10;
const n = (value: number) => value.toLocaleString("en-US");

// 1. The input: text files of 3,000 to 9,000 words, drawn from a seed.
const folder = mkdtempSync(join(tmpdir(), "offloop-word-count-"));
try {
  const paths = writeBooks(folder, FILES);
  console.log(`word-count on ${runtime}: ${FILES} text files (${n(paths.bytes)} bytes, written by this program) -> ${TASKS} tasks in a ThreadPoolExecutor, Channel(${CAPACITY}), one Mutex, ${availableParallelism()} cores`);

  // 2. In parallel: the tasks loop over the Channel; the caller feeds it and then closes it.
  await using executor = new ThreadPoolExecutor({ maxWorkers: TASKS });
  const files = new Channel<string>(CAPACITY);
  const mutex = new Mutex();
  const table = new WordTable();
  const bar = new SingleBar({
    format: `counting [{bar}] {value}/{total} files {percentage}% | {words} words`,
    stream: process.stdout,
    noTTYOutput: !process.stdout.isTTY, // in a pipe, print a line now and then instead of redrawing
    notTTYSchedule: 5000,
    hideCursor: process.stdout.isTTY,
  });
  const started = performance.now();
  bar.start(FILES, 0, { words: 0 });
  const progress = setInterval(() => bar.update(table.files, { words: n(table.words) }), 100);
  const counting = gather(Array.from({ length: TASKS }, () => executor.submit(tasks.countFiles, files, table.buffer, mutex)));
  // If a task fails, stop feeding (sendAsync would wait forever for room) and let the error through.
  const failed = new AbortController();
  counting.catch((error) => failed.abort(error));
  try {
    for (const path of paths) await files.sendAsync(path, { signal: failed.signal }); // waits while 8 are queued
  } finally {
    files.close(); // the tasks' loops end once they have drained it
  }
  const results = await counting.finally(() => clearInterval(progress));
  const parallelMs = performance.now() - started;
  bar.update(table.files, { words: n(table.words) });
  bar.stop();
  for (const [i, task] of results.entries()) console.log(`  task ${i + 1} (worker ${task.worker}): ${String(task.files).padStart(3)} files, ${n(task.words).padStart(9)} words`);

  // 3. The top words, from the shared table.
  const shared = table.entries().sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
  console.log(`top ${TOP} of ${n(shared.length)} distinct words:`);
  for (const [i, [word, count]] of shared.slice(0, TOP).entries()) {
    console.log(`  ${String(i + 1).padStart(2)}. ${word.padEnd(8)} ${n(count).padStart(8)}  ${((count / table.words) * 100).toFixed(1).padStart(4)}%`);
  }

  // 4. The check: the same count on the main thread, one file after the other.
  const t0 = performance.now();
  const single = new Map<string, number>();
  for (const path of paths) countWords(readFileSync(path, "utf8"), single);
  const singleMs = performance.now() - t0;
  const singleWords = [...single.values()].reduce((a, b) => a + b, 0);
  const same = shared.filter(([word, count]) => single.get(word) === count).length;
  const tasksFiles = results.reduce((sum, task) => sum + task.files, 0);
  const tasksWords = results.reduce((sum, task) => sum + task.words, 0);
  console.log(`single-threaded: ${n(singleWords)} words, ${n(single.size)} distinct, in ${singleMs.toFixed(0)} ms (the pool took ${parallelMs.toFixed(0)} ms, its workers' start-up included)`);
  const match = same === single.size && shared.length === single.size && table.words === singleWords && tasksWords === singleWords;
  const complete = tasksFiles === FILES && table.files === FILES;
  console.log(
    match && complete
      ? `the shared table matches: ${n(same)} of ${n(single.size)} words with the same count, ${n(table.words)} words in all; ${FILES} files, each counted once`
      : `MISMATCH: ${same} of ${single.size} words agree (table: ${shared.length} words, ${table.words} in all, ${table.files} files; tasks: ${tasksFiles} files, ${tasksWords} words; single-threaded: ${singleWords} words)`,
  );
  console.log(
    match && complete
      ? `headline: ${FILES} files counted by ${TASKS} tasks through a Channel; totals under a Mutex match the single-threaded count`
      : `headline: MISMATCH between the shared table and the single-threaded count`,
  );
  process.exitCode = match && complete ? 0 : 1;
} finally {
  rmSync(folder, { recursive: true, force: true });
}

/**
 * Writes `count` text files of sentences into `dir` and returns their paths
 * (and their size in bytes). The words follow Zipf's law over a vocabulary of
 * common English words and made-up ones, with capitals, punctuation and line
 * breaks for the counter to see through. Integer arithmetic only (mulberry32),
 * so every runtime writes the same bytes.
 */
function writeBooks(dir: string, count: number): string[] & { bytes: number } {
  let state = 0x5eed;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const common = (
    "the of and to a in is it that was he for on are as with his they i at be this have from or one had by " +
    "but not what all were we when your can said there use an each which she do how their if will up other " +
    "about out many then them these so some her would make like him into time has look two more write go see " +
    "don't it's words river stone"
  ).split(" ");
  const syllables = "ka lo mi ra ne to su vi da fe go hu ja qui pre stan mor ten sel bri".split(" ");
  const vocabulary = [...common];
  for (let i = 0; vocabulary.length < 2000; i++) {
    const word = Array.from({ length: 2 + (i % 3) }, () => syllables[Math.floor(random() * syllables.length)]).join("");
    if (!vocabulary.includes(word)) vocabulary.push(word);
  }
  // Zipf: the k-th word is drawn with weight 1/k.
  const cumulative: number[] = [];
  let sum = 0;
  for (let k = 1; k <= vocabulary.length; k++) cumulative.push((sum += 1 / k));
  const pick = () => {
    const x = random() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return vocabulary[lo];
  };
  const paths = Object.assign([] as string[], { bytes: 0 });
  for (let file = 1; file <= count; file++) {
    const target = 3000 + Math.floor(random() * 6000);
    const lines: string[] = [];
    let line: string[] = [];
    for (let words = 0; words < target; ) {
      const length = Math.min(target - words, 4 + Math.floor(random() * 14));
      const sentence = Array.from({ length }, (_, i) => pick() + (i < length - 1 && random() < 0.08 ? "," : ""));
      sentence[0] = sentence[0][0].toUpperCase() + sentence[0].slice(1);
      line.push(sentence.join(" ") + [".", ".", ".", "!", "?"][Math.floor(random() * 5)]);
      words += length;
      if (random() < 0.3) (lines.push(line.join(" ")), (line = []));
    }
    lines.push(line.join(" "));
    const path = join(dir, `book-${String(file).padStart(2, "0")}.txt`);
    const text = lines.join("\n") + "\n";
    writeFileSync(path, text);
    paths.push(path);
    paths.bytes += new TextEncoder().encode(text).length;
  }
  return paths;
}
