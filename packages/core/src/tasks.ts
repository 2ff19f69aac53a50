import { TaskDefinitionError } from "./errors.js";
import { describeValue } from "./check-arguments.js";

declare const argsType: unique symbol;
const descriptorKey = Symbol.for("offloop.taskDescriptor");

/**
 * A task: a function that lives in an importable module, named by the
 * module's URL and its key, so that a worker can import and call it. Made by
 * `defineTasks`; `fn` is the local function (used by types and for calling it
 * on this thread).
 */
export interface Task<A extends unknown[] = any[], R = unknown> {
  readonly module: string;
  readonly name: string;
  readonly fn: (...args: A) => R | PromiseLike<R>;
  /** Phantom field that carries the argument types. */
  readonly [argsType]?: A;
}

/** A self-contained function, sent to the worker as source text. */
export type TaskFunction<A extends unknown[] = any[], R = unknown> = (...args: A) => R | PromiseLike<R>;

/** What `submit`, `run` and `map` accept: a task handle or a self-contained function. */
export type TaskLike<A extends unknown[] = any[], R = unknown> = Task<A, R> | TaskFunction<A, R>;

/** The task handles that `defineTasks` returns, one per function, typed after it. */
export type TaskHandles<F> = {
  readonly [K in keyof F]: F[K] extends (...args: infer A) => infer R ? Task<A, Awaited<R>> : never;
};

/** How a worker finds a task's function: by module and name, or by compiling its source. */
export type TaskDescriptor =
  | { readonly id: number; readonly kind: "module"; readonly module: string; readonly name: string }
  | { readonly id: number; readonly kind: "source"; readonly source: string };

type TaskTable = Record<string, (...args: any[]) => unknown>;
const registryKey = Symbol.for("offloop.taskRegistry");
/** Every module's tasks, shared by all copies of @offloop/core in this thread. */
const registry: Map<string, TaskTable> = ((globalThis as Record<symbol, unknown>)[registryKey] ??= new Map()) as Map<string, TaskTable>;

/**
 * Declares the tasks of a module so that executors can run them in workers.
 * Pass `import.meta.url`; a worker imports that URL and finds the function by
 * its key. Functions may be sync or async and may call each other through
 * `this`. The module's top-level code runs once in each worker that imports it.
 *
 * @example
 * ```ts
 * // tasks.ts
 * import { defineTasks } from "@offloop/core";
 * export default defineTasks(import.meta.url, {
 *   fib(n: number): number { return n < 2 ? n : this.fib(n - 1) + this.fib(n - 2) },
 * });
 * // main.ts
 * import tasks from "./tasks.ts";
 * const result = await executor.submit(tasks.fib, 30);
 * ```
 */
export function defineTasks<F extends TaskTable>(moduleUrl: string, fns: F & ThisType<F>): TaskHandles<F> {
  if (typeof moduleUrl !== "string" || !/^[a-z][a-z0-9+.-]*:/i.test(moduleUrl)) {
    throw new TaskDefinitionError(`Expected moduleUrl to be a URL such as import.meta.url, got ${describeValue(moduleUrl)}`);
  }
  if (typeof fns !== "object" || fns === null) {
    throw new TaskDefinitionError(`Expected fns to be an object of functions, got ${describeValue(fns)}`);
  }
  const handles: Record<string, Task> = {};
  for (const name of Object.keys(fns)) {
    const fn = fns[name];
    if (typeof fn !== "function") {
      throw new TaskDefinitionError(`Expected task "${name}" in ${moduleUrl} to be a function, got ${describeValue(fn)}`);
    }
    const handle = { module: moduleUrl, name, fn: fn.bind(fns) };
    Object.defineProperty(handle, descriptorKey, { value: newDescriptor({ kind: "module", module: moduleUrl, name }) });
    handles[name] = Object.freeze(handle);
  }
  registry.set(moduleUrl, fns);
  return Object.freeze(handles) as TaskHandles<F>;
}

/**
 * The functions a module registered with `defineTasks` in this thread, if it
 * did; a worker looks a task up here after importing its module.
 *
 * @example
 * ```ts
 * import { registeredTasks } from "@offloop/core";
 * await import("./tasks.js");
 * const fib = registeredTasks(new URL("./tasks.js", import.meta.url).href)?.fib;
 * ```
 */
export function registeredTasks(moduleUrl: string): TaskTable | undefined {
  return registry.get(moduleUrl);
}

let nextDescriptorId = 1;
const descriptorsByObject = new WeakMap<object, TaskDescriptor>();
const descriptorsBySource = new Map<string, TaskDescriptor>();
const descriptorsByModuleName = new Map<string, TaskDescriptor>();

function newDescriptor(fields: { kind: "module"; module: string; name: string } | { kind: "source"; source: string }): TaskDescriptor {
  return Object.freeze({ id: nextDescriptorId++, ...fields }) as TaskDescriptor;
}

/**
 * The descriptor of a task handle or function: a small number per distinct
 * task in this thread, so that messages carry numbers instead of URLs.
 * Throws a TaskDefinitionError for anything that is not a task.
 *
 * @example
 * ```ts
 * import { describeTask } from "@offloop/core";
 * describeTask(tasks.fib);          // { id: 1, kind: "module", module: "file:///app/tasks.js", name: "fib" }
 * describeTask((a: number) => a * 2); // { id: 2, kind: "source", source: "(a) => a * 2" }
 * ```
 */
export function describeTask(task: unknown): TaskDescriptor {
  if (typeof task === "object" && task !== null) {
    const own = (task as Record<symbol, TaskDescriptor | undefined>)[descriptorKey];
    if (own) return own;
    const cached = descriptorsByObject.get(task);
    if (cached) return cached;
    const { module, name } = task as { module?: unknown; name?: unknown };
    if (typeof module === "string" && typeof name === "string") {
      const key = `${module}#${name}`;
      let descriptor = descriptorsByModuleName.get(key);
      if (!descriptor) descriptorsByModuleName.set(key, (descriptor = newDescriptor({ kind: "module", module, name })));
      descriptorsByObject.set(task, descriptor);
      return descriptor;
    }
  } else if (typeof task === "function") {
    const cached = descriptorsByObject.get(task);
    if (cached) return cached;
    const source = Function.prototype.toString.call(task);
    if (source.endsWith("{ [native code] }")) {
      throw new TaskDefinitionError(`Cannot send ${describeValue(task)} to a worker: it is native or bound; wrap it in a module with defineTasks`);
    }
    let descriptor = descriptorsBySource.get(source);
    if (!descriptor) descriptorsBySource.set(source, (descriptor = newDescriptor({ kind: "source", source })));
    descriptorsByObject.set(task, descriptor);
    return descriptor;
  }
  throw new TaskDefinitionError(`Expected task to be a task handle from defineTasks or a function, got ${describeValue(task)}`);
}
