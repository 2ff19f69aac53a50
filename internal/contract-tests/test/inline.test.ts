import { runContractSuite } from "@offloop/contract-tests";
import { InlineExecutor } from "@offloop/core";

runContractSuite({ name: "InlineExecutor", createExecutor: (options) => new InlineExecutor(options) });
