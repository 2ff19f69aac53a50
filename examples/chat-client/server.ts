// A WebSocket chat server (ws): every line a client sends goes to the other
// clients as "<name>: <text>". Listens on 127.0.0.1 only.
import { WebSocketServer, type WebSocket } from "ws";
import { option } from "./args.mjs";

const port = Number(option("port", "8765"));
const server = new WebSocketServer({ host: "127.0.0.1", port });
const names = new Map<WebSocket, string>();

function broadcast(from: WebSocket, text: string) {
  for (const client of server.clients) if (client !== from && client.readyState === client.OPEN) client.send(text);
}

server.on("connection", (socket, request) => {
  const name = new URL(request.url ?? "/", "ws://localhost").searchParams.get("name") || "anonymous";
  names.set(socket, name);
  broadcast(socket, `* ${name} joined`);
  socket.on("message", (data) => broadcast(socket, `${name}: ${data.toString()}`));
  socket.on("close", () => {
    names.delete(socket);
    broadcast(socket, `* ${name} left`);
  });
});
server.on("listening", () => {
  const address = server.address();
  console.log(`chat server listening on ws://127.0.0.1:${typeof address === "object" && address ? address.port : port}`);
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    for (const client of server.clients) client.terminate();
    server.close();
    process.exit(0);
  });
}
