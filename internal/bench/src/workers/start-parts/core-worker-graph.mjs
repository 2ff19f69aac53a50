// The bare worker plus offloop's worker graph (@offloop/core/worker), loaded but not served.
import "@offloop/core/worker";

self.onmessage = (event) => self.postMessage([event.data[0], event.data[2]]);
