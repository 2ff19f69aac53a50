/**
 * A real, throwaway redis-server for the tests: started on a free 127.0.0.1
 * port with no persistence, stopped when the test file ends. When
 * redis-server is not installed, `redisAvailable` is false and the tests skip
 * with that reason (CI installs it: `apt-get install -y redis-server`).
 */
import { redisServerInstalled, startRedisServer } from "../../../scripts/redis-server.mjs";

export const redisAvailable: boolean = redisServerInstalled;
export const skipReason = redisAvailable ? false : "redis-server is not installed (apt-get install -y redis-server); skipping the BullMQ tests";

export interface RedisServer {
  readonly port: number;
  readonly connection: { host: string; port: number };
  stop(): Promise<void>;
}

export function startRedis(): Promise<RedisServer> {
  return startRedisServer();
}
