// Runs synchronous code with some of globalThis's properties replaced by fakes, and puts the real ones
// back before returning: for code that patches host globals (installExitHooks, serveWebWorker), so that
// it patches the fakes and never the test runner's own process, Deno or event listeners.
export function withHostGlobals<T>(fakes: Record<string, unknown>, run: () => T): T {
  const saved = new Map<string, PropertyDescriptor | undefined>();
  for (const [key, value] of Object.entries(fakes)) {
    saved.set(key, Object.getOwnPropertyDescriptor(globalThis, key));
    Object.defineProperty(globalThis, key, { value, writable: true, configurable: true, enumerable: false });
  }
  try {
    const result = run();
    if (result instanceof Promise) throw new Error("withHostGlobals takes synchronous code only");
    return result;
  } finally {
    for (const [key, descriptor] of saved) {
      if (descriptor) Object.defineProperty(globalThis, key, descriptor);
      else delete (globalThis as Record<string, unknown>)[key];
    }
  }
}

/** Every global that installExitHooks / serveWebWorker look at, faked as absent. */
export const NO_HOST = { process: undefined, Deno: undefined, Bun: undefined, close: undefined, WorkerGlobalScope: undefined, addEventListener: undefined };
