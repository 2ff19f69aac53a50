// The cheat sheet's typical mistakes, each made on purpose, and what offloop does about it.
import { ThreadPoolExecutor, gather, getDefaultExecutor, runInExecutor, runtime, sleep, watchEventLoop } from "offloop";
import tasks from "./tasks.ts";

console.log(`pitfalls on ${runtime}`);

// 1. An async function in an executor. Python hands back a coroutine nobody awaits.
const greeting = await runInExecutor(null, tasks.greetLater, "Ada");
console.log(`1. async function in an executor: awaited in the worker -> "${greeting}" (Python would return an un-awaited coroutine)`);

// 2. Blocking the event loop without noticing: watchEventLoop tells you.
const blocks: number[] = [];
const stopWatching = watchEventLoop({ threshold: 100, onBlock: ({ duration }) => blocks.push(duration) });
tasks.busy.fn(400); // the mistake: CPU work on the event loop
await sleep(200);
console.log(`2. blocking call on the event loop: watchEventLoop reported a block of ${blocks.length ? Math.max(...blocks) : 0} ms`);
blocks.length = 0;
await runInExecutor(null, tasks.busy, 400); // the fix
await sleep(200);
console.log(`   the same call through runInExecutor: ${blocks.length ? `blocked ${Math.max(...blocks)} ms` : "no block reported"}`);
stopWatching();

// 3. Too many workers. Bad sizes fail at construction, naming the option; large pools start workers only on demand.
try {
  new ThreadPoolExecutor({ maxWorkers: 0 });
} catch (error) {
  console.log(`3. a pool of 0 workers: ${(error as Error).name}: ${(error as Error).message}`);
}
const big = new ThreadPoolExecutor({ maxWorkers: 64 });
await gather([1, 2, 3, 4].map((n) => runInExecutor(big, tasks.echo, n)));
console.log(`   maxWorkers: 64 and 4 small tasks started ${big.stats.workers} worker(s): workers start on demand, more workers than cores do not speed up CPU work`);
await big.shutdown();

// 4. A closure that captures a variable (Python: "Can't pickle local object").
const factor = 3;
try {
  await getDefaultExecutor().submit((n: number) => n * factor, 2);
} catch (error) {
  console.log(`4. a closure sent to a worker: ${(error as Error).name}: ${(error as Error).message.split("\n")[0]}`);
}

// 5. An argument that cannot be sent to a worker.
try {
  await runInExecutor(null, tasks.echo, { id: 1, onDone: () => {} });
} catch (error) {
  console.log(`5. a function inside an argument: ${(error as Error).name}: ${(error as Error).message}`);
}

// 6. Forgetting shutdown(). Idle workers never keep the process alive.
const forgotten = new ThreadPoolExecutor({ maxWorkers: 2 });
await runInExecutor(forgotten, tasks.echo, "ok");
console.log("6. an executor never shut down: its idle workers do not keep the process alive, so this process exits now");
console.log("headline: 6 mistakes made on purpose, each one caught or explained; the process exits without shutdown()");
