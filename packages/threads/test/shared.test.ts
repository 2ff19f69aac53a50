import { runSharedMemorySuite } from "@offloop/contract-tests";
import { ThreadPoolExecutor } from "@offloop/threads";

runSharedMemorySuite("threads", (options) => new ThreadPoolExecutor(options));
