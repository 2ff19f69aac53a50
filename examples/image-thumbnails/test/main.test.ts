import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, openSync, readSync, closeSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { failureReason, runExample, runtimes, unavailable } from "../../../scripts/example-runtimes.mjs";

const dir = fileURLToPath(new URL("..", import.meta.url));

/** Width and height from a PNG's IHDR chunk. */
function pngSize(path: string) {
  const header = Buffer.alloc(24);
  const fd = openSync(path, "r");
  readSync(fd, header, 0, 24, 0);
  closeSync(fd);
  assert.equal(header.toString("latin1", 1, 4), "PNG", `${path} is not a PNG`);
  return { width: header.readUInt32BE(16), height: header.readUInt32BE(20) };
}

for (const runtime of runtimes) {
  test(`image-thumbnails on ${runtime.name}: thumbnails exist, fit in 200x200, and the pool keeps the loop free`, async (t) => {
    const reason = unavailable(runtime, dir);
    if (reason) return t.skip(reason);
    const out = mkdtempSync(join(tmpdir(), "offloop-thumbs-"));
    try {
      const result = await runExample(runtime, dir, "main.ts", { args: ["--out", out], timeout: 90_000 });
      assert.equal(result.code, 0, failureReason(result));
      assert.match(result.stdout, /thumbnails \[=+\] 4\/4 100%/);
      const thumbs = readdirSync(join(out, "thumbnails"));
      assert.equal(thumbs.length, 4);
      for (const name of thumbs) {
        const { width, height } = pngSize(join(out, "thumbnails", name));
        assert.ok(width <= 200 && height <= 200, `${name} is ${width}x${height}`);
        assert.ok(width === 200 || height === 200, `${name} is ${width}x${height}: it should fill one side`);
        assert.equal(Math.round((width / height) * 3), 4, `${name} should keep the 4:3 aspect ratio`);
      }
      const block = (label: string) => Number(new RegExp(`${label}:.*event loop blocked at most (\\d+) ms`).exec(result.stdout)?.[1]);
      assert.ok(block("pool") < block("main thread"), `the pool should block the loop less than the main thread:\n${result.stdout}`);
      assert.match(result.stdout, /speedup [\d.]+x/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
}
