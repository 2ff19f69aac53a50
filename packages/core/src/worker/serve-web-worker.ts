import type { Message, Transferable } from "../protocol/protocol.js";
import { isExitLock, type ExitNotice } from "../protocol/exit-notice.js";
import { isPoolPort, postTo, type PortLike, type ReceiveMessageOnPort } from "../protocol/pool-port.js";
import { serve, type ServedWorker, type WorkerPort } from "./serve.js";

/** What a worker entry calls on its global scope (`self`). */
export interface WebWorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: "message" | "unload", listener: (event: { data: unknown }) => void): void;
  /** The worker ends itself (web Workers). Wrapped so that the pool hears of it: browsers tell the parent nothing. */
  close?(): void;
}

/** Options of `serveWebWorker`. */
export interface ServeWebWorkerOptions {
  /** The worker's global scope. Default `globalThis`. */
  scope?: WebWorkerScope;
  /** Reads the exit code when the worker exits by itself (Deno: `() => Deno.exitCode`). Default: `process.exitCode` if the host has `process`. */
  exitCode?: () => number | undefined;
  /**
   * The host's synchronous receive for a `MessagePort` (Bun's and Deno's
   * `receiveMessageOnPort` from `node:worker_threads`), as the pool's
   * `webWorkerSpawner` was given it: the worker then serves over the port the
   * pool sends first, and can watch for its next task (`spinMicroseconds`).
   * A pool that sends no port is served over the worker's own channel.
   */
  receiveMessageOnPort?: ReceiveMessageOnPort;
  /**
   * Instead of `receiveMessageOnPort`: loads it, after the worker's first
   * answer has gone to the pool. Until it is loaded the worker is served
   * over the pool's port as usual and reads it only by its events (an idle
   * worker does not spin yet). For a host where loading it costs more than
   * the rest of a worker's start: Bun takes ~4 ms to load
   * `node:worker_threads`, a raw Bun Worker starts in ~2.5 ms.
   *
   * @example
   * ```ts
   * serveWebWorker({ loadReceiveMessageOnPort: async () => (await import("node:worker_threads")).receiveMessageOnPort });
   * ```
   */
  loadReceiveMessageOnPort?: () => Promise<ReceiveMessageOnPort>;
}

/**
 * The worker side of `webWorkerSpawner`: a web Worker entry module calls it
 * once to serve tasks for the pool. When a task exits the worker (e.g.
 * `process.exit()`), it tells the pool from the `unload` event, since some
 * hosts (Deno) fire nothing in the parent then; when a task calls
 * `self.close()`, it tells the pool at once, since browsers fire nothing at
 * all. In a browser app, the worker entry imports the task modules and calls
 * it: `import "./tasks.js"; import { serveWebWorker } from "offloop/worker"; serveWebWorker();`.
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
  let receive = options.receiveMessageOnPort;
  const load = receive === undefined ? options.loadReceiveMessageOnPort : undefined;
  const readsPortSync = receive !== undefined || load !== undefined;
  let served: ServedWorker | undefined;
  /** Where messages to the pool go: the worker's own channel, or the pool's port once it came. */
  let toPool: Pick<WebWorkerScope, "postMessage"> = scope;
  let fromScope: ((message: Message) => void) | undefined;
  const sendExitNotice = () => {
    const code = exitCode();
    const notice: ExitNotice = { offloopExit: typeof code === "number" ? code : null };
    toPool.postMessage(notice);
  };
  scope.addEventListener("unload", () => {
    served?.flushBeforeExit(true);
    sendExitNotice();
  });
  // Browsers fire nothing in the parent when a worker closes itself (Deno fires unload, Bun its
  // close event). Wrapped before serve() installs its exit hooks, which wrap close() again to
  // flush finished results first: so the results go out, then the notice, then the worker closes.
  const host = globalThis as { Deno?: unknown; Bun?: unknown };
  if (host.Deno === undefined && host.Bun === undefined) wrapClose(scope, sendExitNotice);
  const serveOver = (port: WorkerPort) => {
    served = serve(port, { exitHooks: true });
  };
  const serveOverScope = () =>
    serveOver({
      postMessage: (message, transfer) => postTo(scope, message, transfer),
      onMessage: (listener) => (fromScope = listener),
    });
  scope.addEventListener("message", (event) => {
    const data = event.data;
    if (isExitLock(data)) return holdExitLock(data.offloopExitLock);
    if (isPoolPort(data)) {
      const port = data.offloopPort as PortLike;
      if (served === undefined && readsPortSync) {
        toPool = port;
        // With a loader: posts counted until the first after "ready" (an answer), then it loads.
        let posts = 0;
        serveOver({
          postMessage: (message, transfer) => {
            postTo(port, message, transfer);
            // Called a microtask later, so that a loader that throws cannot fail this post.
            if (load !== undefined && ++posts === 2) {
              void Promise.resolve()
                .then(load)
                .then(
                  (loaded) => void (receive = loaded),
                  () => {},
                );
            }
          },
          onMessage: (listener) => (port.onmessage = (portEvent) => listener(portEvent.data as Message)),
          receiveSync: () => receive?.(port)?.message as Message | undefined,
        });
      } else {
        // This entry cannot receive synchronously: read the port too, and answer over the worker's own
        // channel (the pool listens on both).
        port.onmessage = (portEvent) => fromScope?.(portEvent.data as Message);
      }
      return;
    }
    if (served === undefined) serveOverScope();
    fromScope?.(data as Message);
  });
  // Without a synchronous receive no port is expected: serve at once (and say "ready" now).
  if (!readsPortSync) serveOverScope();
}

function wrapClose(scope: WebWorkerScope, before: () => void): void {
  const close = scope.close;
  if (typeof close !== "function") return;
  const closeAndTell = function (this: unknown) {
    try {
      before();
    } catch {
      // Telling the pool must not stop the worker from closing.
    }
    return close.call(this ?? scope);
  };
  try {
    Object.defineProperty(scope, "close", { value: closeAndTell, writable: true, configurable: true });
  } catch {
    // A host that freezes it: the pool learns of the exit from an exit event, where the host has one.
  }
}

/** Holds the Web Lock the pool named until this worker is gone: the pool's only sign, in a browser, that a terminated worker has really stopped. */
function holdExitLock(name: string): void {
  const locks = (globalThis as { navigator?: { locks?: { request(name: string, callback: () => Promise<void>): Promise<unknown> } } }).navigator?.locks;
  void locks?.request(name, () => new Promise<void>(() => {}))?.catch(() => {});
}
