/** Raw baseline: a web Worker that echoes every message. */
const scope = globalThis as unknown as { onmessage: (event: { data: unknown }) => void; postMessage(message: unknown): void };
scope.onmessage = (event) => scope.postMessage(event.data);
