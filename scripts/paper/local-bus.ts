/**
 * Paper mode's EventBridge: the worker's PutEvents entries are matched on
 * source + detail-type, the detail is validated, and each matching target is
 * invoked once, asynchronously, as EventBridge would. A failing target is
 * counted and logged; it never reaches the publisher.
 */
import type { z } from 'zod';

export interface BusEntry {
  Source: string;
  DetailType: string;
  Detail: string;
}

/** The event shape a Lambda target receives. */
export interface BusEvent<T> {
  id: string;
  source: string;
  'detail-type': string;
  time: string;
  detail: T;
}

interface Rule {
  source: string;
  detailType: string;
  schema: z.ZodType<unknown>;
  target: (event: BusEvent<unknown>) => Promise<unknown>;
}

export interface BusStats {
  published: number;
  delivered: number;
  unmatched: number;
  rejected: number;
  failed: number;
}

export class LocalEventBus {
  private readonly rules: Rule[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private seq = 0;
  readonly stats: BusStats = { published: 0, delivered: 0, unmatched: 0, rejected: 0, failed: 0 };

  constructor(
    private readonly now: () => number,
    private readonly log: (entry: Record<string, unknown>) => void = () => {},
  ) {}

  rule<T>(
    source: string,
    detailType: string,
    schema: z.ZodType<T>,
    target: (event: BusEvent<T>) => Promise<unknown>,
  ): void {
    this.rules.push({
      source,
      detailType,
      schema: schema as z.ZodType<unknown>,
      target: target as (event: BusEvent<unknown>) => Promise<unknown>,
    });
  }

  /** Accepts entries like PutEvents; delivery happens after this returns. */
  putEvents(entries: readonly BusEntry[]): void {
    for (const entry of entries) {
      this.stats.published++;
      const rules = this.rules.filter((r) => r.source === entry.Source && r.detailType === entry.DetailType);
      if (rules.length === 0) {
        this.stats.unmatched++;
        continue;
      }
      let raw: unknown;
      try {
        raw = JSON.parse(entry.Detail);
      } catch {
        this.stats.rejected++;
        this.log({ level: 'warn', msg: 'bus: detail is not JSON', detailType: entry.DetailType });
        continue;
      }
      for (const rule of rules) {
        const parsed = rule.schema.safeParse(raw);
        if (!parsed.success) {
          this.stats.rejected++;
          const issue = parsed.error.issues[0];
          this.log({
            level: 'warn',
            msg: 'bus: detail rejected',
            field: issue?.path.join('.'),
            error: issue?.message,
          });
          continue;
        }
        const event: BusEvent<unknown> = {
          id: `local-${++this.seq}`,
          source: entry.Source,
          'detail-type': entry.DetailType,
          time: new Date(this.now()).toISOString(),
          detail: parsed.data,
        };
        const run = (async () => {
          await Promise.resolve(); // asynchronous, like the real bus
          try {
            await rule.target(event);
            this.stats.delivered++;
          } catch (err) {
            this.stats.failed++;
            this.log({
              level: 'error',
              msg: 'bus: target failed',
              detailType: entry.DetailType,
              error: String(err),
            });
          }
        })();
        this.inFlight.add(run);
        void run.finally(() => this.inFlight.delete(run));
      }
    }
  }

  /** Resolves once every delivery started so far has finished. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }
}
