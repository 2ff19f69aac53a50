import { runContractSuite } from "@offloop/contract-tests";
import { ThreadPoolExecutor } from "@offloop/deno-worker";

runContractSuite({ name: "deno-worker", createExecutor: (options) => new ThreadPoolExecutor(options) });
