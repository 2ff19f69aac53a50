// The worker entry: import the task modules, then serve. Vite bundles it from the
// `new Worker(new URL("./worker.ts", import.meta.url), { type: "module" })` in main.ts.
import "./primes.ts";
import { serveWebWorker } from "offloop/worker";

serveWebWorker();
