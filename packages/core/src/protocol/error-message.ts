/**
 * The message of something thrown, for an error message of our own; never
 * throws (a getter that throws, a revoked Proxy). Errors and error-like
 * objects give their `message`, anything else its string form.
 *
 * @example
 * ```ts
 * errorMessage(new Error("boom")); // "boom"
 * errorMessage("plain"); // "plain"
 * ```
 */
export function errorMessage(error: unknown): string {
  try {
    return error instanceof Error || (typeof error === "object" && error !== null && "message" in error) ? String((error as Error).message) : String(error);
  } catch {
    return "an error that cannot be shown";
  }
}
