// gather(..., { returnExceptions: true }): every job's result or its error,
// with the error's class, message, extra fields, cause and the stack frame
// inside the task, as thrown in the worker.
import { ThreadPoolExecutor, gather, runInExecutor, runtime } from "offloop";
import tasks, { InvalidRecordError } from "./tasks.ts";

console.log(`error-handling on ${runtime}: 5 risky jobs in a ThreadPoolExecutor, gather(..., { returnExceptions: true })`);
await using executor = new ThreadPoolExecutor({ maxWorkers: 2 });
const jobs = [1, 2, 3, 4, 5];
const results = await gather(jobs.map((record) => runInExecutor(executor, tasks.riskyJob, record)), { returnExceptions: true });

results.forEach((result, i) => {
  if (!(result instanceof Error)) return console.log(`job ${jobs[i]}: ok      ${result}`);
  // The first frame inside the task module: where the worker threw.
  const frame = result.stack?.split("\n").find((line) => line.includes("tasks.ts"))?.trim() ?? "(no frame in tasks.ts)";
  const where = frame.replace(/\(?(file:\/\/)?[^\s(]*\/(tasks\.ts:\d+:\d+)\)?/, "$2");
  console.log(`job ${jobs[i]}: ${result.name}: ${result.message}`);
  console.log(`        instanceof InvalidRecordError: ${result instanceof InvalidRecordError}`);
  if (result instanceof InvalidRecordError) console.log(`        record field: ${result.record}`);
  if (result.cause instanceof Error) console.log(`        cause: ${result.cause.name}: ${result.cause.message}`);
  console.log(`        thrown ${where}`);
});
const failed = results.filter((r) => r instanceof Error).length;
console.log(`${results.length - failed} ok, ${failed} failed, and gather did not stop at the first error`);
// An error "kept its class" when it is an instance of the class thrown in the worker, not a plain Error.
const errors = results.filter((r): r is Error => r instanceof Error);
const kept = errors.filter((e) => Object.getPrototypeOf(e) !== Error.prototype && e.stack?.includes("tasks.ts")).length;
const causes = errors.filter((e) => e.cause instanceof Error).length;
console.log(`headline: ${results.length - failed} results and ${failed} errors from ${results.length} jobs; ${kept} of ${failed} errors kept their class and stack, ${causes} their cause`);
