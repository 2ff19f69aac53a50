// The raw baseline's child: echoes every message straight back.
process.on("message", (message) => process.send(message));
