import { runSharedMemorySuite } from "@offloop/contract-tests";
import { ThreadPoolExecutor } from "@offloop/node-worker-threads";

runSharedMemorySuite("node-worker-threads", (options) => new ThreadPoolExecutor(options));
