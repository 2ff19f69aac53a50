import { TaskDefinitionError, UnknownTaskError } from "./errors.js";
import { describeValue } from "./check-arguments.js";

declare const argsType: unique symbol;
const descriptorKey = Symbol.for("offloop.taskDescriptor");

/**
 * A task: a function that lives in a module, named by the module (its URL,
 * or the stable string id it gave `defineTasks`) and its key, so that a
 * worker can find and call it. Made by `defineTasks`; `fn` is the local
 * function (used by types and for calling it on this thread).
 */
export interface Task<A extends unknown[] = any[], R = unknown> {
  /** The module's URL (`import.meta.url`) or its stable string id, as given to `defineTasks`. */
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
 *
 * Name the module with `import.meta.url`, and a worker imports that URL and
 * finds the function by its key; or, in code that a bundler rewrites (a
 * browser app), with a stable string id such as `"thumbnails"`, and the
 * worker finds the module among those its worker entry or the executor's
 * `initializer` imported (a worker that has not imported it fails the task
 * with an `UnknownTaskError` naming the id). An id has no `:` and no whitespace; ids are shared by every
 * module in a thread, so make them unique (e.g. `"@acme/images/thumbnails"`).
 *
 * Functions may be sync or async and may call each other through `this`. The
 * module's top-level code runs once in each worker that loads it.
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
 *
 * // thumbnails.ts in a bundled browser app: a string id, and the worker
 * // entry imports the module (import "./thumbnails.js"; serveWebWorker();)
 * export default defineTasks("thumbnails", { shrink(pixels: Uint8Array) { return pixels } });
 * ```
 */
export function defineTasks<F extends TaskTable>(module: string, fns: F & ThisType<F>): TaskHandles<F> {
  const isUrl = typeof module === "string" && URL_PATTERN.test(module);
  if (typeof module !== "string" || (!isUrl && !ID_PATTERN.test(module))) {
    throw new TaskDefinitionError(
      `Expected the module to be import.meta.url or a stable string id such as "thumbnails" (no ":" or whitespace), got ${describeValue(module)}` +
        (module === undefined ? " (a bundle without import.meta.url? give a string id)" : ""),
    );
  }
  if (isUrl) checkModuleUrl(module);
  if (typeof fns !== "object" || fns === null) {
    throw new TaskDefinitionError(`Expected fns to be an object of functions, got ${describeValue(fns)}`);
  }
  const handles: Record<string, Task> = {};
  const where = isUrl ? module : `task module "${module}"`;
  for (const name of Object.keys(fns)) {
    const fn = fns[name];
    if (typeof fn !== "function") {
      throw new TaskDefinitionError(`Expected task "${name}" in ${where} to be a function, got ${describeValue(fn)}`);
    }
    const handle = { module, name, fn: fn.bind(fns) };
    Object.defineProperty(handle, descriptorKey, { value: moduleDescriptor(module, name) });
    handles[name] = Object.freeze(handle);
  }
  registry.set(module, fns);
  if (!isUrl) for (const name of Object.keys(fns)) registry.set(idModuleUrl(module, name), fns);
  return Object.freeze(handles) as TaskHandles<F>;
}

const URL_PATTERN = /^[a-z][a-z0-9+.-]*:/i;
const ID_PATTERN = /^[^\s:]+$/;
/** This file's own URL: in a bundle, the URL of the chunk that holds @offloop/core. */
const coreUrl: string = import.meta.url;

/**
 * Throws where a bundler has made `import.meta.url` useless to a worker: the
 * task module was merged into the same file as offloop itself (Vite, Rollup,
 * esbuild), or the URL is a build machine's `file:` path in a page served
 * over HTTP (webpack).
 */
function checkModuleUrl(url: string): void {
  let page: string | undefined;
  try {
    page = (globalThis as { location?: { protocol?: string } }).location?.protocol;
  } catch {
    // Deno without --location throws on reading `location`.
  }
  const mergedWithCore = url === coreUrl;
  const buildPath = url.startsWith("file:") && (page === "http:" || page === "https:");
  if (!mergedWithCore && !buildPath) return;
  throw new TaskDefinitionError(
    `defineTasks(import.meta.url, ...) cannot work in this bundle: the bundler ${mergedWithCore ? "merged the task module into" : "replaced import.meta.url with"} ${url}, ` +
      `so a worker cannot load the module by its URL. Name the module with a stable string id instead, e.g. defineTasks("thumbnails", { ... }), ` +
      `and import it in the worker entry (import "./thumbnails.js"; serveWebWorker();).`,
  );
}

/** The key under which a worker looks up a string-id task on this thread (`Symbol.for`, so every copy of core shares it). */
const lookupKey = Symbol.for("offloop.taskModule");

/**
 * What travels to a worker for a string-id task: a tiny `data:` module that
 * a worker imports as it imports any task module. Where the worker already
 * has the id's module, it finds the functions registered under this same
 * URL and the module's code never matters. Otherwise its one export looks
 * the id up when the task runs (an initializer may import the module
 * first), and fails the task with an UnknownTaskError that says what to
 * import.
 */
function idModuleUrl(id: string, name: string): string {
  const [quotedId, quotedName] = [JSON.stringify(id), JSON.stringify(name)];
  const source =
    `const lookup = globalThis[Symbol.for("offloop.taskModule")];\n` +
    `export default { ${quotedName}: function (...args) { const task = lookup(${quotedId}, ${quotedName}); return task.fn.apply(task.table, args); } };\n`;
  // base64: Bun skips some plain-text data: modules.
  return `data:text/javascript;base64,${btoa(String.fromCharCode(...new TextEncoder().encode(source)))}`;
}

(globalThis as Record<symbol, unknown>)[lookupKey] ??= (id: string, name: string): { fn: (...args: unknown[]) => unknown; table: TaskTable } => {
  const table = registry.get(id);
  if (!table) {
    throw new UnknownTaskError(
      `Task module "${id}" is not loaded in this worker: import the module that calls defineTasks("${id}", ...) in the worker entry ` +
        `(e.g. import "./tasks.js"; import { serveWebWorker } from "offloop/worker"; serveWebWorker();), or from the executor's initializer, or name it with import.meta.url`,
    );
  }
  const fn = table[name];
  if (typeof fn !== "function") {
    throw new UnknownTaskError(`No task named "${name}" in task module "${id}" (its tasks: ${Object.keys(table).join(", ") || "none"})`);
  }
  return { fn, table };
};

function moduleDescriptor(module: string, name: string): TaskDescriptor {
  const key = `${module}#${name}`;
  let descriptor = descriptorsByModuleName.get(key);
  if (!descriptor) {
    const wire = URL_PATTERN.test(module) ? module : idModuleUrl(module, name);
    descriptorsByModuleName.set(key, (descriptor = newDescriptor({ kind: "module", module: wire, name })));
  }
  return descriptor;
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
      const descriptor = moduleDescriptor(module, name);
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
