import { runSharedMemorySuite } from "@offloop/contract-tests";
import { ProcessPoolExecutor } from "@offloop/node-child-process";

runSharedMemorySuite("node-child-process", (options) => new ProcessPoolExecutor(options));
