// asyncio.wait_for(loop.run_in_executor(...), timeout) with a task that
// really stops: past the limit the task is cancelled, and since it ignores its
// abort signal, its worker is terminated after `cancelGrace` and replaced.
import { ProcessPoolExecutor, ThreadPoolExecutor, TimeoutError, runInExecutor, runtime, sleep, waitFor } from "offloop";
import { existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tasks from "./tasks.ts";

const TASK_MS = 2_000;
const LIMIT_MS = 500;
const marker = join(tmpdir(), `offloop-timeout-${process.pid}-${Date.now()}.txt`);
rmSync(marker, { force: true });

console.log(`timeout on ${runtime}: a ${TASK_MS} ms blocking task that writes a file, under waitFor(..., ${LIMIT_MS})`);
// A thread pool can stop busy code on Node and Bun. Where its workers cannot
// be stopped while they run (Deno's Worker.terminate() does not interrupt a
// busy loop), the executor says so, and a process pool gives the guarantee.
const options = { maxWorkers: 1, cancelGrace: 200 };
const threads = new ThreadPoolExecutor(options);
if (!threads.capabilities.terminatesBusyLoop) await threads.shutdown();
await using executor = threads.capabilities.terminatesBusyLoop ? threads : new ProcessPoolExecutor(options);
console.log(`executor: ${executor === threads ? "ThreadPoolExecutor" : "ProcessPoolExecutor (this runtime's threads cannot stop busy code)"}`);
const first = await runInExecutor(executor, tasks.whoami);
console.log(`worker ${first} is ready`);

const started = performance.now();
try {
  await waitFor(runInExecutor(executor, tasks.slowWrite, marker, TASK_MS), LIMIT_MS);
  console.log("the task finished in time (unexpected)");
} catch (error) {
  if (!TimeoutError.isInstance(error)) throw error;
  console.log(`${error.name} after ${(performance.now() - started).toFixed(0)} ms: ${error.message}`);
}

const next = await runInExecutor(executor, tasks.whoami);
console.log(next === first ? `worker ${first} is still the one serving tasks` : `worker ${first} was terminated; worker ${next} serves the next task`);

// Wait until well after the task would have written its file.
await sleep(Math.max(0, started + TASK_MS + 500 - performance.now()));
const happened = existsSync(marker);
rmSync(marker, { force: true });
console.log(happened ? "side effect HAPPENED: the task kept running after the timeout" : "side effect never happened: the task was really stopped");
console.log(`stats: ${JSON.stringify(executor.stats)}`);
console.log(`headline: ${happened ? "the task kept running after its timeout (side effect happened)" : `TimeoutError after ${LIMIT_MS} ms, and the task really stopped (no side effect)`}`);
process.exitCode = happened ? 1 : 0;
