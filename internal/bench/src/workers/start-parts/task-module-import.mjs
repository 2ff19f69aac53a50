// The bare worker that imports the bench's task module (as serve does) before its first answer.
self.onmessage = async (event) => {
  await import("../offloop-tasks.mjs");
  self.postMessage([event.data[0], event.data[2]]);
};
