// Starts verdaccio (the root's devDependency) with the given config on a port
// the OS picks (listen(0), so no free-port race) and prints "listening <port>"
// once it accepts connections.
//   node src/verdaccio.mjs <config.yaml> <path of the root package.json>
import { createRequire } from "node:module";

const [config, rootPackageJson] = process.argv.slice(2);
const { runServer } = createRequire(rootPackageJson)("verdaccio");
const app = await runServer(config);
const server = app.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
