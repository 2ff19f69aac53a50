import assert from "node:assert/strict";

/** Waits up to `ms` for `promise`, so that a broken executor fails a test instead of hanging the run. */
export async function within<T>(promise: PromiseLike<T>, ms = 20_000, what = "the task"): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The error `promise` rejects with (within 20 s); fails the test if it fulfils. */
export async function rejection(promise: PromiseLike<unknown>): Promise<Error> {
  try {
    await within(promise);
  } catch (error) {
    return error as Error;
  }
  assert.fail("expected the task to fail, but it succeeded");
}

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
