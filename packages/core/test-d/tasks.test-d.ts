// Type tests, checked by `tsc -p tsconfig.test-d.json` (part of this package's
// `test` script) and never run: task handles carry their argument and result
// types through submit, run, map, gather and runInExecutor, and a wrong
// argument is a compile error. Each `@ts-expect-error` line must fail to
// compile; if it ever compiles, tsc reports the directive as unused.
import { defineTasks, gather, InlineExecutor, runInExecutor, toThread, type Executor, type Future, type Task } from "../src/index.js";

/** Exactly T: fails on any, on a wider type and on a narrower one. */
type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;
function expectType<T>(_value: T) {
  return { toBe<U>(..._proof: Equal<T, U> extends true ? [] : [never]) {} };
}

const tasks = defineTasks(import.meta.url, {
  fib(n: number): number {
    return n < 2 ? n : this.fib(n - 1) + this.fib(n - 2);
  },
  // Annotate parameters that have defaults: under defineTasks' contextual typing an unannotated
  // `size = 200` is typed any (and the task's result with it).
  async thumbnail(path: string, size: number = 200) {
    return { path, size, bytes: new Uint8Array(new ArrayBuffer(0)) };
  },
  join(parts: string[], separator?: string): string {
    return parts.join(separator);
  },
});

// defineTasks turns each function into a typed handle (async results unwrapped).
expectType(tasks.fib).toBe<Task<[n: number], number>>();
expectType(tasks.thumbnail).toBe<Task<[path: string, size?: number], { path: string; size: number; bytes: Uint8Array<ArrayBuffer> }>>();

declare const executor: Executor;

// submit and run infer the result from the handle.
expectType(executor.submit(tasks.fib, 30)).toBe<Future<number>>();
expectType(await executor.submit(tasks.thumbnail, "a.jpg")).toBe<{ path: string; size: number; bytes: Uint8Array<ArrayBuffer> }>();
expectType(await executor.run(tasks.join, [["a", "b"], "-"], { timeout: 100 })).toBe<string>();
// A self-contained function works the same way.
expectType(await executor.submit((a: number, b: number) => a + b, 1, 2)).toBe<number>();
// map yields the result type.
for await (const value of executor.map(tasks.fib, [1, 2, 3])) expectType(value).toBe<number>();
// mapChunks yields an array of them per chunk.
for await (const values of executor.mapChunks(tasks.fib, [1, 2, 3], { chunkSize: 2 })) expectType(values).toBe<number[]>();
// gather keeps each position's type.
expectType(await gather([executor.submit(tasks.fib, 1), executor.submit(tasks.join, ["x"])])).toBe<[number, string]>();

// runInExecutor (what the umbrella exports) infers the same way, with an executor or null.
expectType(await runInExecutor(null, tasks.fib, 10)).toBe<number>();
expectType(await runInExecutor(executor, tasks.thumbnail, "b.jpg", 64)).toBe<{ path: string; size: number; bytes: Uint8Array<ArrayBuffer> }>();
expectType(await toThread(tasks.join, ["a"])).toBe<string>();

// Wrong arguments do not compile.
// @ts-expect-error fib takes a number, not a string
executor.submit(tasks.fib, "30");
// @ts-expect-error fib takes one argument
executor.submit(tasks.fib);
// @ts-expect-error fib takes one argument, not two
executor.submit(tasks.fib, 1, 2);
// @ts-expect-error size is a number
executor.submit(tasks.thumbnail, "a.jpg", "big");
// @ts-expect-error run takes the arguments as a tuple of the right types
executor.run(tasks.join, [[1, 2]]);
// @ts-expect-error map's items must be fib's argument type
executor.map(tasks.fib, ["a", "b"]);
// @ts-expect-error mapChunks checks the items the same way
executor.mapChunks(tasks.fib, ["a", "b"]);
// @ts-expect-error runInExecutor checks the arguments too
runInExecutor(null, tasks.fib, "10");
// @ts-expect-error toThread checks the arguments too
toThread(tasks.thumbnail, 42);
// @ts-expect-error the result is a number, not a string
const wrongResult: string = await executor.submit(tasks.fib, 1);
// @ts-expect-error a self-contained function's arguments are checked as well
executor.submit((a: number, b: number) => a + b, 1, "2");
// @ts-expect-error a handle has only the keys that were defined
tasks.fibonacci;

void wrongResult;
