// Task module, in TypeScript: Node 24, Bun and Deno load it in their workers
// as it is. Workers import this file by URL.
import { defineTasks, registerErrorClass } from "offloop/tasks";

/** A custom error with an extra field. Registered on both sides, so it comes back as itself. */
export class InvalidRecordError extends Error {
  record: number;
  constructor(message: string, record: number, options?: ErrorOptions) {
    super(message, options);
    this.name = "InvalidRecordError";
    this.record = record;
  }
}
registerErrorClass(InvalidRecordError);

function parse(text: string): { total: number | null } {
  return JSON.parse(text);
}

export default defineTasks(import.meta.url, {
  /**
   * A risky job: parses and checks one record. Records 2 and 5 are invalid
   * (a custom error, the second with a `cause`); record 4 is not JSON at all.
   */
  riskyJob(record: number): string {
    const inputs = ['{"total": 10}', '{"total": -3}', '{"total": 7}', "{total: 7", '{"total": null}'];
    const text = inputs[record - 1];
    let parsed;
    try {
      parsed = parse(text);
    } catch (error) {
      throw new SyntaxError(`record ${record} is not JSON`, { cause: error });
    }
    if (parsed.total === null) throw new InvalidRecordError(`record ${record} has no total`, record, { cause: new TypeError("total is null") });
    if (parsed.total < 0) throw new InvalidRecordError(`record ${record} has a negative total (${parsed.total})`, record);
    return `record ${record}: total ${parsed.total}`;
  },
});
