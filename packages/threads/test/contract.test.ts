import { runContractSuite } from "@offloop/contract-tests";
import { ThreadPoolExecutor } from "@offloop/threads";

runContractSuite({ name: "threads", createExecutor: (options) => new ThreadPoolExecutor(options) });
