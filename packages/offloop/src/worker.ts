// offloop/worker: what a worker entry imports. In a browser app the entry is one line:
//   import "./tasks.js"; import { serveWebWorker } from "offloop/worker"; serveWebWorker();
export * from "@offloop/core/worker";
