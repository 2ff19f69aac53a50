// `--name value` command-line options (a bare `--`, which pnpm may pass through, is ignored).
/**
 * @param {string} name
 * @param {string} [fallback]
 * @returns {string}
 */
export function option(name, fallback) {
  const args = process.argv.slice(2).filter((arg) => arg !== "--");
  const index = args.indexOf(`--${name}`);
  const value = index >= 0 ? args[index + 1] : fallback;
  if (value === undefined) {
    console.error(`missing --${name} <value>`);
    process.exit(2);
  }
  return value;
}
