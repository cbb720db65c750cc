/**
 * The cash poller's REST port: one reading of the account from `/portfolio/balance`,
 * `/portfolio/positions` and `/portfolio/orders` (resting), every page. Read tokens only; the
 * listings cover the whole account (every shard of a multi-shard deployment reads the same figures).
 */
import type { AccountReading } from '../../shared/account/cash.ts';
import type { KalshiRestClient } from '../../shared/kalshi/rest-client.ts';

export interface AccountReader {
  /** Throws when any of the three reads fails or does not parse: a partial reading is never judged. */
  read(): Promise<AccountReading>;
}

export function restAccountReader(
  rest: Pick<KalshiRestClient, 'getBalance' | 'allPositions' | 'allOrders'>,
): AccountReader {
  return {
    async read() {
      const [b, p, orders] = await Promise.all([
        rest.getBalance(),
        rest.allPositions({ count_filter: 'position', limit: 200 }),
        rest.allOrders({ status: 'resting', limit: 200 }),
      ]);
      return {
        // The exact dollar string when present; the legacy cents are truncated.
        balance: b.balance_dollars ?? b.balance,
        shards: (b.balance_breakdown ?? []).map((s) => ({
          exchangeIndex: s.exchange_index,
          balance: s.balance,
        })),
        positions: p.market_positions.map((m) => ({
          ticker: m.ticker,
          position: m.position_fp,
          exposure: m.market_exposure_dollars ?? null,
          ...(m.exchange_index == null ? {} : { exchangeIndex: m.exchange_index }),
        })),
        orders: orders
          .filter((o) => o.status === 'resting')
          .map((o) => ({
            side: o.book_side,
            price: o.yes_price_dollars,
            remaining: o.remaining_count_fp,
            ...(o.exchange_index == null ? {} : { exchangeIndex: o.exchange_index }),
          })),
      };
    },
  };
}
