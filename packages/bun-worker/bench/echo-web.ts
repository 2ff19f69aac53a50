/** Raw baseline: a web Worker that echoes every message. */
(globalThis as unknown as { onmessage: (event: MessageEvent) => void }).onmessage = (event) => postMessage(event.data);
