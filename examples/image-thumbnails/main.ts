// PIL's thumbnail((200, 200)) in a ProcessPoolExecutor, as in the Python
// original, and in a ThreadPoolExecutor for comparison: 24 photos of
// 1600x1200, drawn by this program, made into thumbnails that fit in 200x200,
// first on the main thread, then in each pool (workers warmed by an
// `initializer`), with a progress bar. Prints each one's time, its speedup, and
// for how much of the time the event loop could not run (and its longest block).
//   node main.ts [--photos 24] [--size 1600x1200] [--out out]
import { ProcessPoolExecutor, ThreadPoolExecutor, asCompleted, gather, runInExecutor, runtime, watchEventLoop, type Executor } from "offloop";
import { SingleBar } from "cli-progress";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import tasks from "./tasks.ts";

const option = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
};
const COUNT = Number(option("photos", "24"));
const [WIDTH, HEIGHT] = option("size", "1600x1200").split("x").map(Number);
const SIZE = 200;
const out = resolve(option("out", "out"));
const photos = join(out, "photos");
mkdirSync(photos, { recursive: true });

const cores = availableParallelism();
console.log(`image-thumbnails on ${runtime}: ${COUNT} photos of ${WIDTH}x${HEIGHT} -> thumbnails that fit in ${SIZE}x${SIZE}, jimp (pure JavaScript), ${cores} cores`);

// How long the event loop could not run, per phase: in all (blocks over 20 ms) and the longest block.
let blocked = { total: 0, longest: 0 };
const stopWatching = watchEventLoop({
  threshold: 20,
  onBlock: ({ duration }) => (blocked = { total: blocked.total + duration, longest: Math.max(blocked.longest, duration) }),
});
const percent = (phase: Phase) => `${Math.min(100, Math.round((phase.blocked.total / phase.ms) * 100))}%`;

/** A pool whose workers all start now and warm up (the initializer) before they take tasks. */
async function warmPool<E extends Executor>(make: (options: { maxWorkers: number; minWorkers: number; initializer: typeof tasks.warmUp }) => E): Promise<E> {
  const executor = make({ maxWorkers: cores, minWorkers: cores, initializer: tasks.warmUp });
  // A worker answers only after its initializer ran: wait until every worker has answered.
  const seen = new Set<string>();
  for (let round = 0; seen.size < cores && round < 20; round++) {
    for (const id of await gather(Array.from({ length: cores }, () => runInExecutor(executor, tasks.whoAmI)))) seen.add(id);
  }
  return executor;
}

// 1. The photos, drawn in a process pool (the drawing is CPU work too). Kept in out/photos for the next run.
const processes = await warmPool((options) => new ProcessPoolExecutor(options));
const inputs = Array.from({ length: COUNT }, (_, i) => join(photos, `photo-${i + 1}-${WIDTH}x${HEIGHT}.jpg`));
const missing = inputs.flatMap((path, i) => (existsSync(path) ? [] : [{ path, seed: i + 1 }]));
let started = performance.now();
await gather(missing.map(({ path, seed }) => runInExecutor(processes, tasks.generatePhoto, path, seed, WIDTH, HEIGHT)));
console.log(`photos: ${missing.length ? `${missing.length} drawn in ${((performance.now() - started) / 1000).toFixed(1)} s by the process pool` : "none to draw"}, ${COUNT - missing.length} from an earlier run, in ${photos}`);

interface Phase { label: string; ms: number; blocked: { total: number; longest: number }; sizes: Set<string> }
const phases: Phase[] = [];
const line = (phase: Phase) => {
  const speedup = phases[0] === phase ? "" : `   speedup ${(phases[0].ms / phase.ms).toFixed(2)}x`;
  return `${phase.label.padEnd(20)} ${String(COUNT).padStart(3)} thumbnails in ${phase.ms.toFixed(0).padStart(6)} ms  ${((COUNT / phase.ms) * 1000).toFixed(2).padStart(5)}/s   event loop blocked ${percent(phase).padStart(4)} of the time (longest ${phase.blocked.longest} ms)${speedup}`;
};
const outputDir = (label: string) => {
  const dir = join(out, `thumbnails-${label}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
};

// 2. On the main thread, one after the other: the event loop is blocked meanwhile.
{
  await tasks.warmUp.fn(); // the same warm-up as the workers get, for a fair comparison
  const dir = outputDir("main-thread");
  await new Promise((done) => setTimeout(done, 50));
  blocked = { total: 0, longest: 0 };
  started = performance.now();
  const sizes = new Set<string>();
  for (const [i, input] of inputs.entries()) {
    const thumb = await tasks.thumbnail.fn(input, join(dir, `photo-${i + 1}.png`), SIZE);
    sizes.add(`${thumb.width}x${thumb.height}`);
  }
  const ms = performance.now() - started;
  await new Promise((done) => setTimeout(done, 50)); // let the watcher see the last block
  phases.push({ label: "main thread", ms, blocked, sizes });
  console.log(line(phases.at(-1)!));
}

/** The thumbnails in a pool, with a progress bar that moves as each one is done. */
async function inPool(label: string, executor: Executor, dir: string) {
  const bar = new SingleBar({
    format: `${label.padEnd(20)} [{bar}] {value}/{total} {percentage}% | {duration}s`,
    stream: process.stdout,
    noTTYOutput: !process.stdout.isTTY, // in a pipe, print a line now and then instead of redrawing
    notTTYSchedule: 5000,
    hideCursor: process.stdout.isTTY,
  });
  blocked = { total: 0, longest: 0 };
  const started = performance.now();
  bar.start(COUNT, 0);
  const futures = inputs.map((input, i) => runInExecutor(executor, tasks.thumbnail, input, join(dir, `photo-${i + 1}.png`), SIZE));
  const sizes = new Set<string>();
  for await (const thumb of asCompleted(futures)) {
    sizes.add(`${thumb.width}x${thumb.height}`);
    bar.increment();
  }
  const ms = performance.now() - started;
  bar.stop();
  await new Promise((done) => setTimeout(done, 50));
  phases.push({ label, ms, blocked, sizes });
  console.log(line(phases.at(-1)!));
}

// 3. Threads, for comparison (JavaScript threads run in parallel: there is no GIL).
{
  await using threads = await warmPool((options) => new ThreadPoolExecutor(options));
  await inPool("ThreadPoolExecutor", threads, outputDir("threads"));
}
// 4. Processes, as the Python original does (its threads would not run Python code in parallel).
await inPool("ProcessPoolExecutor", processes, outputDir("processes"));
await processes.shutdown();
stopWatching();

const [main, threads, procs] = phases;
const sizes = new Set(phases.flatMap((phase) => [...phase.sizes]));
console.log(`thumbnails: ${[...sizes].join(", ")} (aspect ratio kept) in ${join(out, "thumbnails-*")}`);
console.log(
  `headline: speedup ${(main.ms / procs.ms).toFixed(2)}x with processes, ${(main.ms / threads.ms).toFixed(2)}x with threads; event loop blocked ${percent(procs)} and ${percent(threads)} of the time (main thread: ${percent(main)})`,
);
