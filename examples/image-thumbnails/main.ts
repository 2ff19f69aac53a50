// PIL's thumbnail((200, 200)) in a pool: generate sample photos, make
// aspect-preserving thumbnails in a ThreadPoolExecutor with a progress bar,
// then do the same on the main thread and compare.
import { ThreadPoolExecutor, asCompleted, gather, runInExecutor, runtime, watchEventLoop } from "offloop";
import { SingleBar } from "cli-progress";
import { mkdirSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import tasks from "./tasks.mjs";

const COUNT = 4;
const [WIDTH, HEIGHT] = [480, 360];
const outIndex = process.argv.indexOf("--out");
const out = resolve(outIndex > 0 ? process.argv[outIndex + 1] : "out");
const photos = join(out, "photos");
const thumbs = join(out, "thumbnails");
const mainThumbs = join(out, "thumbnails-main-thread");
rmSync(out, { recursive: true, force: true });
for (const dir of [photos, thumbs, mainThumbs]) mkdirSync(dir, { recursive: true });

const cores = availableParallelism();
console.log(`image-thumbnails on ${runtime}: ${COUNT} photos of ${WIDTH}x${HEIGHT}, 200x200 thumbnails with jimp, ${cores} workers`);
await using executor = new ThreadPoolExecutor({ maxWorkers: cores });

// The longest time the event loop could not run, while each phase ran.
let longestBlock = 0;
const stopWatching = watchEventLoop({ threshold: 50, onBlock: ({ duration }) => (longestBlock = Math.max(longestBlock, duration)) });

// 1. Sample photos, drawn procedurally (the drawing is CPU work too, so it goes to the pool).
const inputs = await gather(Array.from({ length: COUNT }, (_, i) => runInExecutor(executor, tasks.generatePhoto, join(photos, `photo-${i + 1}.jpg`), i + 1, WIDTH, HEIGHT)));
console.log(`generated ${inputs.length} photos in ${photos}`);

// 2. Thumbnails in the pool, with a progress bar that moves as each one is done.
const bar = new SingleBar({
  format: "thumbnails [{bar}] {value}/{total} {percentage}% | {duration}s",
  stream: process.stdout,
  noTTYOutput: !process.stdout.isTTY, // in a pipe, print a line now and then instead of redrawing
  notTTYSchedule: 1000,
  hideCursor: process.stdout.isTTY,
});
longestBlock = 0;
let started = performance.now();
bar.start(COUNT, 0);
const futures = inputs.map((input, i) => runInExecutor(executor, tasks.thumbnail, input, join(thumbs, `photo-${i + 1}.png`), 200));
const sizes: string[] = [];
for await (const thumb of asCompleted(futures)) {
  sizes.push(`${thumb.width}x${thumb.height}`);
  bar.increment();
}
bar.stop();
const poolMs = performance.now() - started;
const poolBlock = longestBlock;

// 3. The same thumbnails on the main thread: the event loop is blocked meanwhile.
longestBlock = 0;
started = performance.now();
for (const [i, input] of inputs.entries()) await tasks.thumbnail.fn(input, join(mainThumbs, `photo-${i + 1}.png`), 200);
const mainMs = performance.now() - started;
await new Promise((done) => setTimeout(done, 60)); // let the watcher see the last block
const mainBlock = longestBlock;
stopWatching();

console.log(`thumbnails: ${[...new Set(sizes)].join(", ")} (aspect ratio kept) in ${thumbs}`);
console.log(`pool:        ${poolMs.toFixed(0).padStart(5)} ms  ${((COUNT / poolMs) * 1000).toFixed(2)} images/s  event loop blocked at most ${poolBlock} ms`);
console.log(`main thread: ${mainMs.toFixed(0).padStart(5)} ms  ${((COUNT / mainMs) * 1000).toFixed(2)} images/s  event loop blocked at most ${mainBlock} ms`);
console.log(`speedup ${(mainMs / poolMs).toFixed(2)}x`);
