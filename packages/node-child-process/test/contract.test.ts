import { runContractSuite } from "@offloop/contract-tests";
import { ProcessPoolExecutor } from "@offloop/node-child-process";

runContractSuite({ name: "node-child-process", createExecutor: (options) => new ProcessPoolExecutor(options) });
