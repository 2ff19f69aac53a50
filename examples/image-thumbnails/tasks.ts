// Task module, in TypeScript: Node 24 (it strips types in worker threads and
// child processes too), Bun and Deno load it as it is. Workers and child
// processes import this file by URL; jimp is loaded once per worker.
import { Jimp } from "jimp";
import { defineTasks, taskContext } from "offloop/tasks";

/** A landscape-like picture (sky gradient, sun, three hills, noise), drawn from a seed: sample input without downloads. */
function draw(seed: number, width: number, height: number) {
  const image = new Jimp({ width, height, color: 0x000000ff });
  const data = image.bitmap.data;
  let state = (seed * 2654435761) >>> 0;
  const random = () => (state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const sunX = width * (0.2 + 0.6 * random());
  const sunY = height * (0.15 + 0.2 * random());
  const hue = random();
  const hills = [0, 1, 2].map(() => ({ phase: random() * 6.28, freq: 2 + random() * 4, level: 0.45 + random() * 0.35 }));
  // The height of each hill, per column.
  const ridges = hills.map((hill) => Float64Array.from({ length: width }, (_, x) => hill.level + 0.08 * Math.sin((x / width) * hill.freq * 3.14 + hill.phase)));
  const sunRadius = height * 0.08;
  for (let y = 0; y < height; y++) {
    const t = y / height;
    for (let x = 0; x < width; x++) {
      let r = 80 + 120 * t * hue, g = 130 + 80 * t, b = 230 - 90 * t;
      if (Math.hypot(x - sunX, y - sunY) < sunRadius) (r = 255), (g = 230), (b = 120);
      for (let k = 0; k < 3; k++) if (t > ridges[k][x]) (r = 30 + 25 * k), (g = 90 + 40 * k * hue), (b = 40 + 15 * k);
      const noise = (random() - 0.5) * 24;
      const i = (y * width + x) * 4;
      data[i] = r + noise;
      data[i + 1] = g + noise;
      data[i + 2] = b + noise;
      data[i + 3] = 255;
    }
  }
  return image;
}

/** PIL's `thumbnail((size, size))` on an image already read: scale down to fit, keeping the aspect ratio. */
function fit(image: Awaited<ReturnType<typeof Jimp.read>>, size: number) {
  image.scaleToFit({ w: size, h: size });
  return image;
}

export default defineTasks(import.meta.url, {
  /** Draws a 1600x1200 (or any size) photo and writes it as a JPEG. */
  async generatePhoto(path: string, seed: number, width: number, height: number): Promise<string> {
    await draw(seed, width, height).write(path as `${string}.jpg`, { quality: 85 });
    return path;
  },

  /**
   * PIL's `thumbnail((size, size))`: reads `input`, scales it down to fit in
   * size x size keeping its aspect ratio, and writes a PNG. Pure JavaScript
   * (jimp), so it really occupies the thread that runs it.
   */
  async thumbnail(input: string, output: string, size = 200): Promise<{ output: string; width: number; height: number }> {
    const image = fit(await Jimp.read(input), size);
    await image.write(output as `${string}.png`);
    return { output, width: image.bitmap.width, height: image.bitmap.height };
  },

  /**
   * The executors' `initializer`, run once in each worker before its first
   * task: one small photo through the whole path (draw, JPEG encode, decode,
   * scale, PNG encode), so that jimp is loaded and the JIT warm before the
   * timed work starts.
   */
  async warmUp(): Promise<void> {
    const jpeg = await draw(1, 320, 240).getBuffer("image/jpeg");
    await fit(await Jimp.read(jpeg), 200).getBuffer("image/png");
  },

  /** Which worker runs this: its process id and worker id. */
  whoAmI(): string {
    return `${process.pid}/${taskContext().workerId}`;
  },
});
