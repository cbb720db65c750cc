/**
 * Kalshi's two environments. Live mode picks one by name (`KALSHI_ENV=demo|prod`);
 * the URLs can still be overridden one by one (the simulators in paper mode).
 */
export const KALSHI_HOSTS = {
  demo: {
    rest: 'https://external-api.demo.kalshi.co/trade-api/v2',
    ws: 'wss://external-api-ws.demo.kalshi.co/trade-api/ws/v2',
  },
  prod: {
    rest: 'https://external-api.kalshi.com/trade-api/v2',
    ws: 'wss://external-api-ws.kalshi.com/trade-api/ws/v2',
  },
} as const;

export type KalshiEnvironment = keyof typeof KALSHI_HOSTS;

/**
 * The REST and WebSocket URLs to trade on: the environment's hosts, each
 * replaceable (a staging endpoint, a recording proxy, a simulator). The worker
 * and `npm start -- --live` resolve them the same way.
 */
export function kalshiUrls(
  env: KalshiEnvironment,
  overrides: { rest?: string | undefined; ws?: string | undefined } = {},
): { rest: string; ws: string } {
  const hosts = KALSHI_HOSTS[env];
  return { rest: overrides.rest ?? hosts.rest, ws: overrides.ws ?? hosts.ws };
}
