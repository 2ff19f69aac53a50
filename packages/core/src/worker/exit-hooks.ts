/**
 * Makes a worker say its last words before it goes, wherever the host lets
 * code see that coming: `process.exit()` (Node, Bun, and Deno's `process`),
 * `Deno.exit()`, a web Worker's `close()`, an uncaught error or unhandled
 * rejection, and the `exit` event. `lastWords` must be synchronous and may
 * be called more than once; `final` is true for an exit call (the worker
 * is going), false for an error the host may still let it survive. A kill nothing can intercept (SIGKILL, an
 * out-of-memory abort, a segfault) gives no such chance.
 *
 * Only worker entries call it: it patches the worker's own globals, never
 * the caller's.
 *
 * @example
 * ```ts
 * const server = serve(port);
 * installExitHooks((final) => server.flushBeforeExit(final));
 * ```
 */
export function installExitHooks(lastWords: (final: boolean) => void): void {
  const host = globalThis as unknown as HostGlobals;
  const sayer = (final: boolean) => () => {
    try {
      lastWords(final);
    } catch {
      // Last words that cannot be said must not change how the worker ends.
    }
  };
  const say = sayer(true);
  const warn = sayer(false);
  const processObject = host.process;
  if (processObject && typeof processObject.exit === "function") {
    wrap(processObject, "exit", say);
    processObject.on?.("exit", say);
    processObject.on?.("uncaughtExceptionMonitor", warn);
  }
  if (host.Deno && typeof host.Deno.exit === "function") wrap(host.Deno, "exit", say);
  if (typeof host.close === "function" && typeof host.WorkerGlobalScope === "function") wrap(host, "close", say);
  if (typeof host.addEventListener === "function" && typeof host.WorkerGlobalScope === "function") {
    host.addEventListener("error", warn);
    host.addEventListener("unhandledrejection", warn);
  }
}

interface HostGlobals {
  process?: { exit?: (...args: unknown[]) => never; on?: (event: string, listener: () => void) => void };
  Deno?: { exit?: (...args: unknown[]) => never };
  close?: () => void;
  WorkerGlobalScope?: unknown;
  addEventListener?: (type: string, listener: () => void) => void;
}

/** Replaces `target[key]` with a function that says the last words first, then does what the original did. */
function wrap(target: object, key: string, say: () => void): void {
  const original = (target as Record<string, unknown>)[key] as (...args: unknown[]) => unknown;
  const wrapped = function (this: unknown, ...args: unknown[]) {
    say();
    return original.apply(this, args);
  };
  try {
    Object.defineProperty(target, key, { value: wrapped, writable: true, configurable: true });
  } catch {
    try {
      (target as Record<string, unknown>)[key] = wrapped;
    } catch {
      // A host that freezes it: the exit event (where there is one) still says the last words.
    }
  }
}
