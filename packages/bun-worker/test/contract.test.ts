import { runContractSuite } from "@offloop/contract-tests";
import { ThreadPoolExecutor } from "@offloop/bun-worker";

runContractSuite({ name: "bun-worker", createExecutor: (options) => new ThreadPoolExecutor(options) });
