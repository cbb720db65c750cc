/**
 * The last state of each trading-stop alarm, as the kill switch saw it (it is invoked on every
 * ALARM and OK transition of the `…-STOP-…` alarms). A CloudWatch alarm only acts on a
 * transition: one still in ALARM when the kill flag is cleared can never fire again, so resume
 * is refused while any stop alarm is recorded in ALARM (functions/kill-switch.ts).
 *
 * One partition (`KILLALARM`, beside the kill flags' `KILL`), one item per alarm; an older event
 * never overwrites a newer one (EventBridge may deliver out of order).
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { isConditionFailed, type TableRef } from './client.ts';

export const stopAlarmStateSchema = z.object({
  alarmName: z.string().min(1),
  state: z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']),
  reason: z.string(),
  /** When CloudWatch changed the state (epoch ms, from the event). */
  changedAt: z.number().int().nonnegative(),
});
export type StopAlarmState = z.infer<typeof stopAlarmStateSchema>;

const PK = 'KILLALARM';

export class StopAlarmStore {
  constructor(private readonly table: TableRef) {}

  /** Records a transition unless a newer one is already stored. */
  async record(s: StopAlarmState): Promise<void> {
    const v = stopAlarmStateSchema.parse(s);
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: { pk: PK, sk: v.alarmName.slice(0, 255) },
          UpdateExpression: 'SET alarmName = :n, #state = :s, reason = :r, changedAt = :t',
          ConditionExpression: 'attribute_not_exists(pk) OR changedAt <= :t',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':n': v.alarmName,
            ':s': v.state,
            ':r': v.reason.slice(0, 500),
            ':t': v.changedAt,
          },
        }),
      );
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
    }
  }

  /** Stop alarms whose last recorded state is ALARM (one strongly consistent Query). */
  async inAlarm(): Promise<StopAlarmState[]> {
    const out = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': PK },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).flatMap((item) => {
      const p = stopAlarmStateSchema.safeParse(item);
      return p.success && p.data.state === 'ALARM' ? [p.data] : [];
    });
  }
}
