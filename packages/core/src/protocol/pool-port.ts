// The pool's own port to a web Worker (Bun, Deno): where the host can read a MessagePort synchronously,
// the pool sends one end of a MessageChannel as the worker's first message, and both sides talk over it.
import type { Transferable } from "./protocol.js";

/**
 * What a pool posts to a new web Worker first where the host can receive a
 * port's messages synchronously (Bun, Deno): one end of a `MessageChannel`,
 * over which pool and worker then talk. Not an array, so never a protocol message.
 */
export interface PoolPort {
  offloopPort: unknown;
}

/** Whether a message to a web Worker is the pool's own port rather than protocol records. */
export function isPoolPort(data: unknown): data is PoolPort {
  return typeof data === "object" && data !== null && !Array.isArray(data) && "offloopPort" in data;
}

/** A `MessagePort` as pool and worker use it (structural: Bun's, Deno's). */
export interface PortLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  close?(): void;
  ref?(): void;
  unref?(): void;
}

/**
 * The host's synchronous receive for a port: `receiveMessageOnPort` from
 * `node:worker_threads` (Node, Bun, Deno), as `webWorkerSpawner` and
 * `serveWebWorker` take it.
 *
 * @example
 * ```ts
 * import { receiveMessageOnPort } from "node:worker_threads";
 * const receive: ReceiveMessageOnPort = receiveMessageOnPort;
 * serveWebWorker({ receiveMessageOnPort: receive });
 * ```
 */
export type ReceiveMessageOnPort = (port: any) => { message: unknown } | undefined;

/** Posts `message`, passing a transfer list only when there is one (as every offloop side does). */
export function postTo(target: Pick<PortLike, "postMessage">, message: unknown, transfer?: Transferable[]): void {
  if (transfer) target.postMessage(message, transfer);
  else target.postMessage(message);
}
