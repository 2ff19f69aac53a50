import type { Message, Transferable } from "../protocol/protocol.js";
import type { ExitNotice } from "../protocol/exit-notice.js";
import { serve, type ServedWorker } from "./serve.js";

/** What a worker entry calls on its global scope (`self`). */
export interface WebWorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: "message" | "unload", listener: (event: { data: unknown }) => void): void;
}

/** Options of `serveWebWorker`. */
export interface ServeWebWorkerOptions {
  /** The worker's global scope. Default `globalThis`. */
  scope?: WebWorkerScope;
  /** Reads the exit code when the worker exits by itself (Deno: `() => Deno.exitCode`). Default: `process.exitCode` if the host has `process`. */
  exitCode?: () => number | undefined;
}

/**
 * The worker side of `webWorkerSpawner`: a web Worker entry module calls it
 * once to serve tasks for the pool. When a task exits the worker (e.g.
 * `process.exit()`), it tells the pool from the `unload` event, since some
 * hosts (Deno) fire nothing in the parent then.
 *
 * @example
 * ```ts
 * // worker.ts of an adapter
 * import { serveWebWorker } from "@offloop/core";
 * serveWebWorker();
 * ```
 */
export function serveWebWorker(options: ServeWebWorkerOptions = {}): void {
  const scope = options.scope ?? (globalThis as unknown as WebWorkerScope);
  const exitCode = options.exitCode ?? (() => (globalThis as { process?: { exitCode?: number } }).process?.exitCode);
  let served: ServedWorker | undefined;
  scope.addEventListener("unload", () => {
    served?.flushBeforeExit(true);
    const code = exitCode();
    const notice: ExitNotice = { offloopExit: typeof code === "number" ? code : null };
    scope.postMessage(notice);
  });
  served = serve(
    {
      postMessage: (message, transfer) => (transfer ? scope.postMessage(message, transfer) : scope.postMessage(message)),
      onMessage: (listener) => scope.addEventListener("message", (event) => listener(event.data as Message)),
    },
    { exitHooks: true },
  );
}
