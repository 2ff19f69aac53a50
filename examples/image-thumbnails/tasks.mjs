// Task module: plain JavaScript with JSDoc types, because Node 20 worker
// threads cannot load TypeScript. Workers import this file by URL.
import { Jimp } from "jimp";
import { defineTasks, taskContext } from "offloop";

export default defineTasks(import.meta.url, {
  /**
   * Draws a photo-like landscape (sky gradient, sun, hills, noise) procedurally
   * and writes it as a JPEG: sample input without downloads.
   * @param {string} path where to write, ending in .jpg
   * @param {number} seed
   * @param {number} width
   * @param {number} height
   * @returns {Promise<string>}
   */
  async generatePhoto(path, seed, width, height) {
    const image = new Jimp({ width, height, color: 0x000000ff });
    const data = image.bitmap.data;
    let state = seed * 2654435761 >>> 0;
    const random = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32);
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
    await image.write(/** @type {`${string}.jpg`} */ (path), { quality: 85 });
    return path;
  },

  /**
   * PIL's `thumbnail((size, size))`: scales `input` down to fit in size x size,
   * keeping its aspect ratio, and writes a PNG. Pure JavaScript (jimp), so it
   * really blocks the thread that runs it. Reports progress: "decoded", "resized".
   * @param {string} input
   * @param {string} output ending in .png
   * @param {number} [size]
   * @returns {Promise<{ output: string, width: number, height: number }>}
   */
  async thumbnail(input, output, size = 200) {
    const progress = inTask() ? taskContext().progress : () => {};
    const image = await Jimp.read(input);
    progress("decoded");
    image.scaleToFit({ w: size, h: size });
    progress("resized");
    await image.write(/** @type {`${string}.png`} */ (output));
    return { output, width: image.bitmap.width, height: image.bitmap.height };
  },
});

/** Whether this call runs as an executor task (taskContext() throws outside one). */
function inTask() {
  try {
    taskContext();
    return true;
  } catch {
    return false;
  }
}
