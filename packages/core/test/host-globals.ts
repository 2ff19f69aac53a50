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

/** Whether a global can be swapped for a fake (Bun's own `Bun` cannot: it is neither configurable nor writable). */
export const canFake = (key: string): boolean => Object.getOwnPropertyDescriptor(globalThis, key)?.configurable !== false;

/** Every global that installExitHooks / serveWebWorker look at, faked as absent (where it can be). */
export const NO_HOST: Record<string, undefined> = Object.fromEntries(
  ["process", "Deno", "Bun", "close", "WorkerGlobalScope", "addEventListener"].filter(canFake).map((key) => [key, undefined]),
);
