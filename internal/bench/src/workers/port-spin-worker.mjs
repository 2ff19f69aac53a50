// The floor for spinning over a MessagePort: the worker polls its port with
// receiveMessageOnPort and answers at once; a message of -1 stops it.
import { workerData, receiveMessageOnPort } from "node:worker_threads";

const port = workerData.port;
for (;;) {
  const received = receiveMessageOnPort(port);
  if (received === undefined) continue;
  if (received.message === -1) break;
  port.postMessage(received.message + 1);
}
port.close();
