/**
 * On Deno, `send()` of a value it cannot encode (a function, or a BigInt
 * with `serialization: "json"`) neither throws nor survives: the process
 * dies a moment later ("Missing promise"). There, each message is encoded
 * once beforehand (`structuredClone`, several times faster there than
 * `node:v8`'s `serialize`) so that `send` throws where Node's throws, and
 * the pool can name the bad argument. Elsewhere this returns undefined and costs
 * nothing.
 */
export function sendableCheck(serialization: "advanced" | "json"): ((message: unknown) => void) | undefined {
  if (!("Deno" in globalThis)) return undefined;
  return serialization === "json" ? (message) => void JSON.stringify(message) : (message) => void structuredClone(message);
}
