export declare const redisServerInstalled: boolean;
export interface RedisServerProcess {
  readonly port: number;
  readonly pid: number | undefined;
  readonly connection: { host: string; port: number };
  readonly url: string;
  stop(): Promise<void>;
}
export declare function startRedisServer(): Promise<RedisServerProcess>;
