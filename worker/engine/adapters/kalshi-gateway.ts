/**
 * ExchangeGateway over the signed Kalshi REST client (shared/kalshi/rest-client.ts).
 * Same code for live (Kalshi) and paper (the simulator): only the base URL and key differ.
 *
 * Outcome classification, the engine's safety depends on it:
 * - `rejected`: the exchange answered with a final error, or the request provably never left,
 *   and no earlier attempt of it ended ambiguously;
 * - `rate_limited`: 429 after the client's own retries, none of which ended ambiguously;
 * - `unknown`: timeout / reset / 5xx after send, an unparseable body, or a response
 *   that describes another order (Kalshi changelog 2026-05-21): reconcile before trusting.
 */
import { KalshiApiError, KalshiFencedError, KalshiNetworkError } from '../../../shared/kalshi/errors.ts';
import type { KalshiRestClient } from '../../../shared/kalshi/rest-client.ts';
import type { CreateOrderV2Request, KalshiEvent, Series } from '../../../shared/kalshi/schemas/rest.ts';
import { milestoneStart, rulesOf } from '../../../shared/mapping/kalshi-game.ts';
import {
  type FeeSchedule,
  feeScheduleFromKalshi,
  MOST_EXPENSIVE_PLAUSIBLE_FEES,
} from '../../../shared/pricing/fees.ts';
import type { Centis } from '../../../shared/units.ts';
import type {
  AmendOrderRequest,
  CancelAck,
  CancelOrderRequest,
  CreateOrderRequest,
  DecreaseOrderRequest,
  ExchangeGateway,
  ExchangeOrder,
  ExchangePosition,
  ListedEvent,
  OrderAck,
  WriteOutcome,
} from '../ports.ts';

type Failure = Extract<WriteOutcome<never>, { ok: false }>;

/** Maps a thrown client error to a write outcome kind. */
export function classify(err: unknown): Failure {
  // Refused before signing: not applied, unless an earlier attempt of the same write was ambiguous.
  if (err instanceof KalshiFencedError)
    return {
      ok: false,
      kind: err.maybeApplied ? 'unknown' : 'rejected',
      code: 'fenced',
      message: err.message,
    };
  if (err instanceof KalshiApiError) {
    // A final 429 or 4xx after an attempt without a verdict (5xx, lost response) is no proof that
    // nothing happened: the write may rest. Reporting it as not applied would drop a live order.
    if (err.maybeApplied)
      return { ok: false, kind: 'unknown', code: err.code ?? String(err.status), message: err.message };
    if (err.status === 429) return { ok: false, kind: 'rate_limited', code: '429', message: err.message };
    if (err.status >= 500)
      return { ok: false, kind: 'unknown', code: String(err.status), message: err.message };
    return { ok: false, kind: 'rejected', code: err.code ?? String(err.status), message: err.message };
  }
  if (err instanceof KalshiNetworkError)
    return {
      ok: false,
      kind: err.maybeApplied ? 'unknown' : 'rejected',
      code: err.errorCode,
      message: err.message,
    };
  return { ok: false, kind: 'unknown', message: err instanceof Error ? err.message : String(err) };
}

function toCreateV2(r: CreateOrderRequest): CreateOrderV2Request {
  return {
    ticker: r.ticker,
    client_order_id: r.clientOrderId,
    side: r.side,
    count: r.count,
    price: r.price,
    time_in_force: 'good_till_canceled',
    // A taker order crossing our own resting maker is cancelled, not filled against us.
    self_trade_prevention_type: 'taker_at_cross',
    post_only: r.postOnly,
    cancel_order_on_pause: r.cancelOnPause,
    order_group_id: r.orderGroupId,
    exchange_index: r.exchangeIndex,
    expiration_time: r.expirationTime,
  } as CreateOrderV2Request;
}

export interface KalshiGatewayOptions {
  /** Only events starting within this horizon are listed (ms from now); default 36 h. */
  horizonMs?: number;
  now?: () => number;
  /** An event left out of a listing (its fee schedule cannot be priced), or a fee fallback taken. */
  onListingWarning?: (w: { seriesTicker: string; eventTicker?: string; reason: string }) => void;
}

export class KalshiGateway implements ExchangeGateway {
  private readonly fees = new Map<string, FeeSchedule>();

  constructor(
    private readonly client: KalshiRestClient,
    readonly _opts: KalshiGatewayOptions = {},
  ) {}

  async listEvents(seriesTicker: string): Promise<ListedEvent[]> {
    const fees = await this.feesOf(seriesTicker);
    const out: ListedEvent[] = [];
    const warn = this._opts.onListingWarning;
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const r = await this.client.getEvents({
        series_ticker: seriesTicker,
        status: 'open',
        with_nested_markets: true,
        with_milestones: true,
        limit: 200,
        cursor,
      });
      for (const ev of r.events) {
        // One odd event (an override we cannot price) is dropped and reported, not the whole series.
        const l = this.listed(ev, r.milestones ?? [], fees);
        if ('dropped' in l) warn?.({ seriesTicker, eventTicker: ev.event_ticker, reason: l.dropped });
        else out.push(l);
      }
      if (!r.cursor) break;
      cursor = r.cursor;
    }
    return out;
  }

  private listed(
    ev: KalshiEvent,
    milestones: Parameters<typeof milestoneStart>[1],
    fees: FeeSchedule,
  ): ListedEvent | { dropped: string } {
    let eventFees = fees;
    if (ev.fee_type_override != null || ev.fee_multiplier_override != null) {
      const f = feeScheduleFromKalshi({
        feeType: ev.fee_type_override ?? fees.feeType,
        multiplier: ev.fee_multiplier_override ?? fees.multiplier,
      });
      if (!f.ok) return { dropped: `fee override: ${f.error}` };
      if (f.warning)
        this._opts.onListingWarning?.({
          seriesTicker: ev.series_ticker,
          eventTicker: ev.event_ticker,
          reason: f.warning,
        });
      eventFees = f.schedule;
    }
    return {
      eventTicker: ev.event_ticker,
      seriesTicker: ev.series_ticker,
      title: ev.title ?? '',
      startMs: milestoneStart(ev.event_ticker, milestones),
      fees: eventFees,
      markets: (ev.markets ?? []).map((m) => ({
        ticker: m.ticker,
        yesSubTitle: m.yes_sub_title ?? '',
        status: String(m.status),
        exchangeIndex: m.exchange_index ?? ev.exchange_index ?? undefined,
        priceRanges: m.price_ranges ?? undefined,
        rules: rulesOf(m),
        ...(m.title ? { title: m.title } : {}),
        ...(m.strike_type
          ? {
              strike: {
                strikeType: String(m.strike_type),
                floorStrike: m.floor_strike ?? null,
                capStrike: m.cap_strike ?? null,
              },
            }
          : {}),
      })),
    };
  }

  /**
   * The series' fee schedule, read again with every listing (Kalshi changes fees). A failed read
   * keeps the last one read; with none, or a fee type we cannot price, the game is priced with the
   * most expensive plausible schedule — never as if makers paid nothing.
   */
  private async feesOf(seriesTicker: string): Promise<FeeSchedule> {
    const warn = (reason: string) => this._opts.onListingWarning?.({ seriesTicker, reason });
    let series: Series;
    try {
      series = await this.client.getSeries(seriesTicker);
    } catch (err) {
      const known = this.fees.get(seriesTicker);
      warn(
        `series fees unreadable (${err instanceof Error ? err.message.slice(0, 120) : String(err)}): ${known ? 'last known kept' : 'most expensive plausible schedule'}`,
      );
      return known ?? MOST_EXPENSIVE_PLAUSIBLE_FEES;
    }
    const f = feeScheduleFromKalshi({ feeType: series.fee_type, multiplier: series.fee_multiplier });
    if (!f.ok) {
      warn(`series fees: ${f.error}: most expensive plausible schedule`);
      return MOST_EXPENSIVE_PLAUSIBLE_FEES;
    }
    if (f.warning) warn(f.warning);
    this.fees.set(seriesTicker, f.schedule);
    return f.schedule;
  }

  async createOrders(orders: readonly CreateOrderRequest[]): Promise<WriteOutcome<OrderAck>[]> {
    if (orders.length === 0) return [];
    if (orders.length === 1) {
      try {
        const c = await this.client.createOrder(toCreateV2(orders[0]!));
        return [
          {
            ok: true,
            value: {
              orderId: c.order_id,
              clientOrderId: c.client_order_id,
              remaining: c.remaining_count,
              filled: c.fill_count,
              tsMs: c.response?.ts_ms ?? undefined,
            },
          },
        ];
      } catch (err) {
        return [classify(err)];
      }
    }
    try {
      const items = await this.client.batchCreateOrders(orders.map(toCreateV2));
      return items.map((it): WriteOutcome<OrderAck> => {
        if (it.ok)
          return {
            ok: true,
            value: {
              orderId: it.order.order_id,
              clientOrderId: it.order.client_order_id,
              remaining: it.order.remaining_count,
              filled: it.order.fill_count,
              tsMs: it.order.response?.ts_ms ?? undefined,
            },
          };
        return {
          ok: false,
          kind: it.unconfirmed ? 'unknown' : 'rejected',
          code: it.error.code ?? undefined,
          message: it.error.message ?? 'create failed',
        };
      });
    } catch (err) {
      const f = classify(err);
      return orders.map(() => f);
    }
  }

  async amendOrder(req: AmendOrderRequest): Promise<WriteOutcome<OrderAck>> {
    try {
      const r = await this.client.amendOrder(req.orderId, {
        ticker: req.ticker,
        side: req.side,
        price: req.price,
        count: req.count,
        exchange_index: req.exchangeIndex,
      } as Parameters<KalshiRestClient['amendOrder']>[1]);
      if (r.kind !== 'applied')
        return { ok: false, kind: 'unknown', message: 'amend response described another order' };
      const filled = r.response.fill_count ?? null;
      const remaining = r.response.remaining_count ?? (filled !== null ? req.count - filled : null);
      if (remaining === null) return { ok: false, kind: 'unknown', message: 'amend response without counts' };
      return {
        ok: true,
        value: {
          orderId: r.response.order_id,
          clientOrderId: r.response.client_order_id ?? null,
          remaining,
          filled,
          tsMs: r.response.ts_ms ?? undefined,
        },
      };
    } catch (err) {
      return classify(err);
    }
  }

  async decreaseOrder(req: DecreaseOrderRequest): Promise<WriteOutcome<OrderAck>> {
    try {
      const r = await this.client.decreaseOrder(req.orderId, {
        reduce_to: req.reduceTo,
        market_ticker: req.ticker,
        exchange_index: req.exchangeIndex,
      } as Parameters<KalshiRestClient['decreaseOrder']>[1]);
      if (r.kind !== 'applied')
        return { ok: false, kind: 'unknown', message: 'decrease response described another order' };
      return {
        ok: true,
        value: {
          orderId: r.response.order_id,
          clientOrderId: r.response.client_order_id ?? null,
          remaining: r.response.remaining_count,
          filled: null, // Kalshi's decrease response carries no fill count
          tsMs: r.response.ts_ms ?? undefined,
        },
      };
    } catch (err) {
      return classify(err);
    }
  }

  async cancelOrders(reqs: readonly CancelOrderRequest[]): Promise<WriteOutcome<CancelAck>[]> {
    if (reqs.length === 0) return [];
    try {
      const outcomes =
        reqs.length === 1
          ? [
              await this.client.cancelOrder(reqs[0]!.orderId, {
                market_ticker: reqs[0]!.ticker,
                exchange_index: reqs[0]!.exchangeIndex,
              }),
            ]
          : await this.client.batchCancelOrders(
              reqs.map((r) => ({
                order_id: r.orderId,
                market_ticker: r.ticker,
                exchange_index: r.exchangeIndex,
              })),
            );
      return outcomes.map((o): WriteOutcome<CancelAck> => {
        switch (o.kind) {
          case 'cancelled':
            return { ok: true, value: { orderId: o.order_id, reducedBy: o.reduced_by } };
          case 'nothing_cancelled':
            return { ok: true, value: { orderId: o.order_id, reducedBy: 0 } };
          case 'unconfirmed':
            return { ok: false, kind: 'unknown', message: `${o.reason}: ${o.detail}` };
          default: // 'failed'
            return {
              ok: false,
              kind: 'rejected',
              code: o.error.code ?? undefined,
              message: o.error.message ?? 'cancel failed',
            };
        }
      });
    } catch (err) {
      const f = classify(err);
      return reqs.map(() => f);
    }
  }

  async listRestingOrders(): Promise<ExchangeOrder[]> {
    const orders = await this.client.allOrders({ status: 'resting', limit: 200 });
    return orders
      .filter((o) => o.status === 'resting')
      .map((o) => ({
        orderId: o.order_id,
        clientOrderId: o.client_order_id ?? null,
        ticker: o.ticker,
        ...(o.exchange_index == null ? {} : { exchangeIndex: o.exchange_index }),
        side: o.book_side,
        price: o.yes_price_dollars,
        remaining: o.remaining_count_fp,
        filled: o.fill_count_fp,
        ...(o.order_group_id ? { orderGroupId: o.order_group_id } : {}),
      }));
  }

  async listPositions(): Promise<ExchangePosition[]> {
    const r = await this.client.allPositions({ count_filter: 'position', limit: 200 });
    return r.market_positions.map((p) => ({ ticker: p.ticker, position: p.position_fp }));
  }

  async createOrderGroup(contractsLimit: Centis, exchangeIndex?: number): Promise<string> {
    const r = await this.client.createOrderGroup({
      contracts_limit_fp: contractsLimit,
      ...(exchangeIndex === undefined ? {} : { exchange_index: exchangeIndex }),
    });
    return r.order_group_id;
  }

  async resetOrderGroup(orderGroupId: string): Promise<void> {
    await this.client.resetOrderGroup(orderGroupId);
  }

  async setOrderGroupLimit(orderGroupId: string, contractsLimit: Centis): Promise<void> {
    await this.client.setOrderGroupLimit(orderGroupId, contractsLimit);
  }

  async listOrderGroups(): Promise<string[]> {
    const r = await this.client.getOrderGroups();
    return (r.order_groups ?? []).map((g) => g.id);
  }

  async deleteOrderGroup(orderGroupId: string): Promise<void> {
    await this.client.deleteOrderGroup(orderGroupId);
  }

  async cancelAll(): Promise<void> {
    await this.client.cancelAll();
  }
}
