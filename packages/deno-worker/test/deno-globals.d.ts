/** The few Deno APIs the tests and fixtures call, for `tsc` (Deno itself has them built in). */
declare const Deno: {
  execPath(): string;
  readTextFileSync(path: string | URL): string;
};
