// Start-parts floor: a web Worker that answers [id, op, arg] with [id, arg] and loads nothing.
self.onmessage = (event) => self.postMessage([event.data[0], event.data[2]]);
