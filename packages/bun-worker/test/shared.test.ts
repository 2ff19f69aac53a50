import { runSharedMemorySuite } from "@offloop/contract-tests";
import { ThreadPoolExecutor } from "@offloop/bun-worker";

runSharedMemorySuite("bun-worker", (options) => new ThreadPoolExecutor(options));
