/**
 * Each game's Kalshi order group: created once, its creates wait for it; a failed create retries on
 * a floor (exponential, through the refusal backoff), not on every book change; a trip (learned from
 * the `order_group_updates` channel or from a create refused with `order_group_triggered`) holds the
 * game's creates and resets the group once its rolling window has passed, then lets the game quote
 * again. When the exchange cannot reset it, the group is forgotten and the next create makes a new
 * one (the trip cancelled every order of the old one, so the game is not split across two groups).
 */
import type { Clock, TimerHandle } from '../../shared/clock.ts';
import type { Centis } from '../../shared/units.ts';
import type { EngineLogger, EngineMetrics, ExchangeGateway } from './ports.ts';
import type { RefusalBackoff } from './refusal-backoff.ts';

/** Kalshi's order-group window: matched contracts are counted over a rolling 15 s. */
export const ORDER_GROUP_WINDOW_MS = 15_000;

/** A group's limit is updated when the game's limit moved by this share of it or more. */
const LIMIT_STEP = 0.25;

/** A group limit in whole contracts (Centis, a multiple of 100), at least one contract. */
export function groupLimitCentis(limit: Centis, factor: number): Centis {
  return Math.max(100, Math.ceil((limit * factor) / 100) * 100);
}

export interface OrderGroupsDeps {
  gateway: ExchangeGateway;
  clock: Clock;
  log: EngineLogger;
  metrics: EngineMetrics;
  backoff: RefusalBackoff;
  /** The game may create again (group created or reset): requote it. */
  onReady(eventTicker: string): void;
  windowMs?: number;
}

export class OrderGroups {
  private readonly ids = new Map<string, string>();
  private readonly gameOf = new Map<string, string>();
  private readonly creating = new Map<string, Promise<string>>();
  private readonly tripped = new Map<string, TimerHandle | null>();
  /** The limit each group was last given (whole contracts, Centis). */
  private readonly limits = new Map<string, Centis>();
  private disposed = false;

  constructor(private readonly deps: OrderGroupsDeps) {}

  /** The game's group id when it exists and is not tripped. */
  usable(eventTicker: string): string | undefined {
    return this.tripped.has(eventTicker) ? undefined : this.ids.get(eventTicker);
  }

  isTripped(eventTicker: string): boolean {
    return this.tripped.has(eventTicker);
  }

  /**
   * The game's group, created if needed. Rejects without a request while a failed create's floor
   * has not passed (the caller defers its creates until then).
   */
  ensure(eventTicker: string, limit: Centis, exchangeIndex: number | undefined): Promise<string> {
    const known = this.ids.get(eventTicker);
    if (known !== undefined) return Promise.resolve(known);
    let p = this.creating.get(eventTicker);
    if (p) return p;
    const now = this.deps.clock.now();
    const floor = this.deps.backoff.blocked(eventTicker, now);
    if (floor?.refusal === 'group-create-failed')
      return Promise.reject(new Error(`order group create backing off until ${floor.untilMs}`));
    p = this.deps.gateway.createOrderGroup(limit, exchangeIndex);
    this.creating.set(eventTicker, p);
    p.then(
      (id) => {
        this.creating.delete(eventTicker);
        this.limits.set(eventTicker, limit);
        this.ids.set(eventTicker, id);
        this.gameOf.set(id, eventTicker);
        this.deps.backoff.cleared(eventTicker, 'group-create-failed');
      },
      () => {
        this.creating.delete(eventTicker);
        this.deps.metrics.count('OrderGroupErrors');
        this.deps.backoff.refused(eventTicker, 'group-create-failed', this.deps.clock.now());
      },
    );
    return p;
  }

  /** A group found on the exchange for this game (restart: the game's orders stay in the group they rest in). */
  adopt(eventTicker: string, groupId: string): void {
    if (this.ids.has(eventTicker)) return;
    this.ids.set(eventTicker, groupId);
    this.gameOf.set(groupId, eventTicker);
  }

  /**
   * Keeps the group's limit in step with the game's (whole contracts): one request when it moved by a
   * quarter or more (the game limit follows visible depth and wobbles; each update is a write). A
   * failed update is not retried until the limit moves again (the old limit still guards).
   */
  keepLimit(eventTicker: string, limit: Centis): void {
    const id = this.usable(eventTicker);
    const set = this.deps.gateway.setOrderGroupLimit;
    const prev = this.limits.get(eventTicker);
    // An adopted group (restart) has no known limit: the first sync sets it, whatever the old process gave it.
    if (id === undefined || !set || (prev !== undefined && Math.abs(limit - prev) < prev * LIMIT_STEP))
      return;
    this.limits.set(eventTicker, limit);
    set.call(this.deps.gateway, id, limit).then(
      () => this.deps.log.info('order_group_limit_set', { eventTicker, limit }),
      (err: unknown) => {
        this.deps.metrics.count('OrderGroupErrors');
        this.deps.log.warn('order_group_limit_failed', { eventTicker, limit, error: errText(err) });
      },
    );
  }

  /** The channel reported a group event (created, triggered, reset, deleted, limit_updated). */
  onGroupEvent(groupId: string, eventType: string): void {
    const game = this.gameOf.get(groupId);
    if (game === undefined) return;
    if (eventType === 'triggered') this.trip(game);
    else if (eventType === 'reset') this.unTrip(game);
    else if (eventType === 'deleted') this.forget(game);
  }

  /** The game's group tripped: hold its creates, reset the group once its window has passed. */
  trip(eventTicker: string): void {
    if (this.tripped.has(eventTicker) || this.disposed) return;
    const windowMs = this.deps.windowMs ?? ORDER_GROUP_WINDOW_MS;
    const now = this.deps.clock.now();
    this.deps.log.warn('order_group_tripped', { eventTicker, resetInMs: windowMs });
    this.deps.metrics.count('OrderGroupTrips');
    // Held past the reset: the reset (or the channel's `reset`) releases the game, not the clock.
    this.deps.backoff.holdUntil(eventTicker, 'group-tripped', now + 4 * windowMs);
    const timer = this.deps.clock.setTimeout(() => void this.reset(eventTicker), windowMs);
    this.tripped.set(eventTicker, timer);
  }

  private async reset(eventTicker: string): Promise<void> {
    const id = this.ids.get(eventTicker);
    if (!this.tripped.has(eventTicker) || this.disposed) return;
    this.tripped.set(eventTicker, null);
    try {
      if (id === undefined || !this.deps.gateway.resetOrderGroup) throw new Error('no reset available');
      await this.deps.gateway.resetOrderGroup(id);
      this.deps.log.info('order_group_reset', { eventTicker });
    } catch (err) {
      // Recreate instead: the trip cancelled every order of the old group, so nothing of the game rests in it.
      this.deps.log.warn('order_group_reset_failed', { eventTicker, error: errText(err) });
      this.forget(eventTicker);
    }
    this.unTrip(eventTicker);
  }

  private unTrip(eventTicker: string): void {
    if (!this.tripped.has(eventTicker)) return;
    const t = this.tripped.get(eventTicker);
    if (t) this.deps.clock.clearTimeout(t);
    this.tripped.delete(eventTicker);
    this.deps.backoff.cleared(eventTicker, 'group-tripped');
    if (!this.disposed) this.deps.onReady(eventTicker);
  }

  /** Forgets the game's group (deleted, or unusable): the next create makes a new one. */
  forget(eventTicker: string): void {
    const id = this.ids.get(eventTicker);
    if (id !== undefined) this.gameOf.delete(id);
    this.ids.delete(eventTicker);
    this.limits.delete(eventTicker);
  }

  has(eventTicker: string): boolean {
    return this.ids.has(eventTicker);
  }

  /** A finished game: its group is deleted on the exchange (best effort) and forgotten. */
  async release(eventTicker: string): Promise<void> {
    const id = this.ids.get(eventTicker);
    this.forget(eventTicker);
    const t = this.tripped.get(eventTicker);
    if (t) this.deps.clock.clearTimeout(t);
    this.tripped.delete(eventTicker);
    if (id === undefined || !this.deps.gateway.deleteOrderGroup) return;
    try {
      await this.deps.gateway.deleteOrderGroup(id);
    } catch (err) {
      this.deps.log.warn('order_group_delete_failed', { eventTicker, error: errText(err) });
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.tripped.values()) if (t) this.deps.clock.clearTimeout(t);
  }
}

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 300);
