/**
 * The cancel loop's port over the signed Kalshi REST client: list resting
 * orders (all pages), cancel one by id, and the bulk cancel-all. A cancel the
 * exchange reports as failed throws, so the loop counts it; "nothing
 * cancelled" and "unconfirmed" are not errors here: the next listing decides.
 */
import type { KalshiRestClient } from '../kalshi/rest-client.ts';
import type { CancelPort, RestingOrder } from './cancel-until-flat.ts';

export type KalshiCancelClient = Pick<KalshiRestClient, 'allOrders' | 'cancelOrder' | 'cancelAll'>;

export function kalshiCancelPort(
  client: KalshiCancelClient,
  options: { useCancelAll?: boolean } = {},
): CancelPort {
  const port: CancelPort = {
    listResting: async (): Promise<RestingOrder[]> => {
      const orders = await client.allOrders({ status: 'resting', limit: 200 });
      // The status filter is the exchange's; re-check it rather than trust it.
      return orders
        .filter((o) => o.status === 'resting')
        .map((o) => ({
          orderId: o.order_id,
          ticker: o.ticker,
          ...(o.exchange_index == null ? {} : { exchangeIndex: o.exchange_index }),
        }));
    },
    cancel: async (order) => {
      // Routed to the order's shard: by its index when listed, else by its market (auto-routing).
      const outcome = await client.cancelOrder(order.orderId, {
        market_ticker: order.ticker,
        ...(order.exchangeIndex === undefined ? {} : { exchange_index: order.exchangeIndex }),
      });
      if (outcome.kind === 'failed') {
        throw new Error(
          `cancel ${order.orderId} failed: ${outcome.error.code ?? ''} ${outcome.error.message ?? ''}`,
        );
      }
    },
  };
  if (options.useCancelAll ?? true) port.cancelAll = () => client.cancelAll();
  return port;
}
