import { runContractSuite } from "@offloop/contract-tests";
import { ThreadPoolExecutor } from "@offloop/node-worker-threads";

runContractSuite({ name: "node-worker-threads", createExecutor: (options) => new ThreadPoolExecutor(options) });
