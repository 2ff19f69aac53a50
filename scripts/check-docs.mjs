#!/usr/bin/env node
// Fails unless every public export of every public package has JSDoc (STYLE.md
// rule 8), and every exported value (function, class, constant) an @example.
// Types and interfaces need a summary; their example is the value that takes
// them (`PoolOptions` is shown by `new ThreadPoolExecutor({ ... })`).
// Reads the JSON that `typedoc --json` writes. Re-exports (the umbrella
// re-exports @offloop/core) are checked where they are defined.
import { readFileSync } from "node:fs";

const file = process.argv[2] ?? "docs/api/api.json";
const project = JSON.parse(readFileSync(file, "utf8"));
const KIND = { 2: "module", 4: "namespace", 8: "enum", 32: "variable", 64: "function", 128: "class", 256: "interface", 2097152: "type", 4194304: "reference" };

function comment(reflection) {
  // Functions carry their comment on the signature; accessors on the getter.
  return reflection.comment ?? reflection.signatures?.find((s) => s.comment)?.comment ?? reflection.getSignature?.comment;
}

const missing = [];
let checked = 0;
const modules = project.children?.some((child) => child.kind === 2) ? project.children : [project];
for (const module of modules) {
  for (const child of module.children ?? []) {
    if (child.kind === 4194304) continue; // a re-export: checked in its own package
    if (child.sources?.some((source) => source.fileName.includes("/dist/"))) continue; // re-exported from a built package: checked there
    checked++;
    const c = comment(child);
    const problems = [];
    if (!c || !(c.summary ?? []).some((part) => part.text.trim())) problems.push("no JSDoc");
    const isValue = [32, 64, 128].includes(child.kind);
    if (isValue && !c?.blockTags?.some((tag) => tag.tag === "@example")) problems.push("no @example");
    if (problems.length) missing.push(`${module.name}: ${KIND[child.kind] ?? child.kind} ${child.name}: ${problems.join(", ")}`);
  }
}
for (const line of missing) console.log(line);
console.log(`\n${checked} public exports, ${missing.length} without JSDoc (or, for a value, an @example)`);
process.exit(missing.length ? 1 : 0);
