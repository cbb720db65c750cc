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

export class RefreshDebounceStore {
  constructor(private readonly table: TableRef) {}

  /** Claims the right to refresh `eventId` now, if no claim was made in the last `windowMs`. */
  async claim(eventId: string, now: number, windowMs: number, requestedBy: string): Promise<DebounceResult> {
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: { pk: `REFRESH#${keyPart('eventId', eventId)}`, sk: 'REFRESH' },
          UpdateExpression: 'SET lastAt = :now, requestedBy = :by, #ttl = :ttl ADD claims :one',
          ConditionExpression: 'attribute_not_exists(pk) OR lastAt <= :cutoff',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':now': now,
            ':by': requestedBy.slice(0, 200),
            ':cutoff': now - windowMs,
            ':ttl': ttlAfter(now, 1),
            ':one': 1,
          },
        }),
      );
      return { claimed: true };
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      return { claimed: false, lastAt: null };
    }
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
