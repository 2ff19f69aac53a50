import { runSharedMemorySuite } from "@offloop/contract-tests";
import { ThreadPoolExecutor } from "@offloop/deno-worker";

runSharedMemorySuite("deno-worker", (options) => new ThreadPoolExecutor(options));
