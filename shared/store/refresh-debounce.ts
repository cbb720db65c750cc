/**
 * Per-event debounce for on-demand odds refreshes: a burst of "refresh this
 * event" requests (the worker asks on every sharp inventory skew) costs one
 * Odds API call per window. The claim is a conditional write, so two Lambdas
 * racing on the same event cannot both win.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed, keyPart, type TableRef } from './client.ts';
import { ttlAfter } from './table.ts';

export type DebounceResult = { claimed: true } | { claimed: false; lastAt: number | null };
const NOT_CLAIMED: DebounceResult = { claimed: false, lastAt: null };

export class RefreshDebounceStore {
  constructor(private readonly table: TableRef) {}

  /**
   * Claims the right to refresh `eventId` now, if no claim was made in the last `windowMs` and,
   * with `maxPerHour`, fewer than that many claims were made in the current hour window (which
   * starts at its first claim). A claim given back (`release`) still counts against the hour: the
   * call it was for may have spent credits.
   */
  async claim(
    eventId: string,
    now: number,
    windowMs: number,
    requestedBy: string,
    maxPerHour?: number,
  ): Promise<DebounceResult> {
    const debounced = '(attribute_not_exists(pk) OR lastAt <= :cutoff)';
    const values = {
      ':now': now,
      ':by': requestedBy.slice(0, 200),
      ':cutoff': now - windowMs,
      ':ttl': ttlAfter(now, 1),
      ':one': 1,
    };
    const key = { pk: `REFRESH#${keyPart('eventId', eventId)}`, sk: 'REFRESH' };
    const attempt = async (update: string, condition: string, extra: Record<string, number>) => {
      try {
        await this.table.doc.send(
          new UpdateCommand({
            TableName: this.table.tableName,
            Key: key,
            UpdateExpression: update,
            ConditionExpression: condition,
            ExpressionAttributeNames: { '#ttl': 'ttl' },
            ExpressionAttributeValues: { ...values, ...extra },
          }),
        );
        return true;
      } catch (err) {
        if (!isConditionFailed(err)) throw err;
        return false;
      }
    };
    const base = 'SET lastAt = :now, requestedBy = :by, #ttl = :ttl ADD claims :one';
    if (maxPerHour === undefined)
      return (await attempt(base, debounced, {})) ? { claimed: true } : NOT_CLAIMED;
    const hourAgo = { ':hourAgo': now - 3_600_000 };
    // A new hour window (none yet, or the last began over an hour ago) …
    if (
      await attempt(
        'SET lastAt = :now, requestedBy = :by, #ttl = :ttl, hourStart = :now, hourClaims = :one ADD claims :one',
        `${debounced} AND (attribute_not_exists(hourStart) OR hourStart <= :hourAgo)`,
        hourAgo,
      )
    )
      return { claimed: true };
    // … or the current one, while under its cap.
    return (await attempt(
      `${base}, hourClaims :one`,
      `${debounced} AND hourStart > :hourAgo AND hourClaims < :max`,
      { ...hourAgo, ':max': maxPerHour },
    ))
      ? { claimed: true }
      : NOT_CLAIMED;
  }

  /** Gives back a claim made at `claimedAt` (the refresh failed), so the next request may try at once. */
  async release(eventId: string, claimedAt: number): Promise<boolean> {
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: { pk: `REFRESH#${keyPart('eventId', eventId)}`, sk: 'REFRESH' },
          UpdateExpression: 'SET lastAt = :zero',
          ConditionExpression: 'lastAt = :at',
          ExpressionAttributeValues: { ':zero': 0, ':at': claimedAt },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }
}
