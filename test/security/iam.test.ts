/**
 * Least privilege, role by role, on the synthesised template (cdk-nag's
 * AwsSolutions gate is test/infra/nag.test.ts; these are the project's own,
 * stricter rules):
 *
 * - every role is one we know and assert on (a new role needs a new assertion);
 * - no wildcard action anywhere; `Resource: "*"` only where AWS has no
 *   resource-level permission (ecr:GetAuthorizationToken), each justified here;
 * - each secret is readable only by the roles that use it: the Odds API key by
 *   the two odds Lambdas, the Kalshi key by the kill-switch Lambda and the
 *   worker's execution role (ECS injects it at start); the worker's task role
 *   reads no secret at all;
 * - every DynamoDB grant is limited to the item keys of its role (LeadingKeys);
 * - nothing can change IAM, delete data or tables, scan the table or write secrets.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.ts';
import { cdkJsonContext } from '../infra/cdk-context.ts';

type Json = Record<string, unknown>;
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Json;
}
interface Resource {
  Type: string;
  Properties: Json;
}

let resources: Record<string, Resource>;
/** Role logical id → its statements (inline default policies). */
const statementsOf = new Map<string, Statement[]>();
const managedOf = new Map<string, unknown[]>();

const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const refs = (v: unknown): string[] => {
  const out: string[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      for (const [k, y] of Object.entries(x)) {
        if (k === 'Ref' && typeof y === 'string') out.push(y);
        else if (k === 'Fn::GetAtt' && Array.isArray(y) && typeof y[0] === 'string') out.push(y[0]);
        else walk(y);
      }
    }
  };
  walk(v);
  return out;
};
const idOf = (type: string | RegExp, prefix: RegExp) => {
  const ids = Object.entries(resources)
    .filter(([id, r]) => (typeof type === 'string' ? r.Type === type : type.test(r.Type)) && prefix.test(id))
    .map(([id]) => id);
  expect(ids, `${type} ${prefix}`).toHaveLength(1);
  return ids[0]!;
};
const rolesMatching = (prefix: RegExp) =>
  Object.entries(resources)
    .filter(([id, r]) => r.Type === 'AWS::IAM::Role' && prefix.test(id))
    .map(([id]) => id);

/** Every action granted to the role, with the resources (logical ids) it applies to. */
function grants(role: string): { action: string; resources: string[]; star: boolean; condition?: Json }[] {
  return (statementsOf.get(role) ?? []).flatMap((s) =>
    actions(s).map((action) => ({
      action,
      resources: refs(s.Resource),
      star: s.Resource === '*' || (Array.isArray(s.Resource) && s.Resource.includes('*')),
      ...(s.Condition ? { condition: s.Condition } : {}),
    })),
  );
}

const KNOWN_ROLES = [
  /^OddsPollRole/,
  /^OddsRefreshRole/,
  /^AlarmsKillSwitchRole/,
  /^WorkerTask\d+TaskRole/,
  /^WorkerTask\d+ExecutionRole/,
  /^SchedulerRoleForTarget/,
  /^WorkerVpcFlowLogIAMRole/,
  /^CustomVpcRestrictDefaultSGCustomResourceProviderRole/,
];

/** Resource "*" is allowed only for these actions, each because AWS offers no resource-level permission. */
const STAR_JUSTIFIED: Record<string, string> = {
  'ecr:GetAuthorizationToken': 'account-wide ECR login token; the API has no resource ARN',
};

beforeAll(() => {
  const { stack } = buildApp({
    context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], kalshiMm: { stage: 'test', shards: 2 } },
  });
  resources = (Template.fromStack(stack).toJSON() as { Resources: Record<string, Resource> }).Resources;
  for (const [, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::IAM::Policy') continue;
    const doc = r.Properties['PolicyDocument'] as { Statement: Statement[] };
    for (const role of refs(r.Properties['Roles']))
      statementsOf.set(role, [...(statementsOf.get(role) ?? []), ...doc.Statement]);
  }
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::IAM::Role') continue;
    managedOf.set(id, (r.Properties['ManagedPolicyArns'] as unknown[]) ?? []);
    const inline = (r.Properties['Policies'] as { PolicyDocument: { Statement: Statement[] } }[]) ?? [];
    for (const p of inline)
      statementsOf.set(id, [...(statementsOf.get(id) ?? []), ...p.PolicyDocument.Statement]);
  }
}, 120_000);

describe('IAM: the whole template', () => {
  it('every role is a known one (a new role needs its own assertions here)', () => {
    const roles = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::IAM::Role');
    for (const [id] of roles)
      expect(
        KNOWN_ROLES.some((p) => p.test(id)),
        `unexpected role ${id}`,
      ).toBe(true);
    expect(rolesMatching(/^WorkerTask\d+TaskRole/)).toHaveLength(2); // one per shard
  });

  it('no wildcard action, no Deny-less "*" resource beyond the justified ones, no NotAction', () => {
    for (const [role, list] of statementsOf)
      for (const s of list) {
        expect(s).not.toHaveProperty('NotAction');
        expect(s).not.toHaveProperty('NotResource');
        for (const a of actions(s)) {
          expect(a, `${role}: ${a}`).not.toMatch(/\*/);
          if (
            s.Effect === 'Allow' &&
            (s.Resource === '*' || (Array.isArray(s.Resource) && s.Resource.includes('*')))
          )
            expect(STAR_JUSTIFIED[a], `${role}: ${a} on "*"`).toBeDefined();
        }
      }
  });

  it('nothing can change IAM, delete or scan data, drop tables or write secrets', () => {
    const forbidden = [
      /^iam:/,
      /^sts:AssumeRole/,
      /^dynamodb:(Scan|DeleteItem|DeleteTable|UpdateTable|CreateTable|BatchWriteItem|PartiQL)/,
      /^secretsmanager:(PutSecretValue|UpdateSecret|DeleteSecret|CreateSecret|RestoreSecret|RotateSecret)/,
      /^kms:(Decrypt|Encrypt|CreateGrant)$/,
      /^lambda:(UpdateFunction|AddPermission|CreateFunction)/,
    ];
    for (const [role] of statementsOf)
      for (const g of grants(role))
        for (const f of forbidden) expect(g.action, `${role}: ${g.action}`).not.toMatch(f);
  });

  it('AWS-managed policies only on the CDK custom-resource helper (AWSLambdaBasicExecutionRole)', () => {
    for (const [role, managed] of managedOf) {
      if (managed.length === 0) continue;
      expect(role).toMatch(/^CustomVpcRestrictDefaultSGCustomResourceProviderRole/);
      expect(JSON.stringify(managed)).toContain('service-role/AWSLambdaBasicExecutionRole');
      expect(managed).toHaveLength(1);
    }
  });
});

describe('IAM: secrets', () => {
  it('each secret is read only by the roles that use it; the worker task role reads none', () => {
    const odds = idOf('AWS::SecretsManager::Secret', /OddsApiKey/);
    const kalshi = idOf('AWS::SecretsManager::Secret', /KalshiApiKey/);
    const readers = (secret: string) =>
      [...statementsOf.keys()]
        .filter((role) =>
          grants(role).some((g) => g.action.startsWith('secretsmanager:') && g.resources.includes(secret)),
        )
        .map((role) => role.replace(/[0-9A-F]{8}$/, ''))
        .sort();
    expect(readers(odds)).toEqual(['OddsPollRole', 'OddsRefreshRole']);
    expect(readers(kalshi).map((r) => r.replace(/\d+/, 'N'))).toEqual([
      'AlarmsKillSwitchRole',
      'WorkerTaskNExecutionRole',
      'WorkerTaskNExecutionRole',
    ]);
    for (const role of rolesMatching(/^WorkerTask\d+TaskRole/))
      expect(grants(role).filter((g) => g.action.startsWith('secretsmanager:'))).toEqual([]);
    // Secret reads are exactly GetSecretValue + DescribeSecret, on one secret ARN each.
    for (const [role] of statementsOf)
      for (const g of grants(role).filter((x) => x.action.startsWith('secretsmanager:'))) {
        expect(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret']).toContain(g.action);
        expect(g.resources, role).toHaveLength(1);
        expect(g.star).toBe(false);
      }
  });
});

describe('IAM: per role', () => {
  const table = () => idOf(/^AWS::DynamoDB::(Global)?Table$/, /^DataTable/);
  const dynamo = (role: string) => grants(role).filter((g) => g.action.startsWith('dynamodb:'));
  const leadingKeys = (c?: Json) => JSON.stringify(c ?? {}).includes('dynamodb:LeadingKeys');

  it('odds-poll: its log group, the Odds key, PutItem on its own keys (UpdateItem: the credits-left record)', () => {
    const role = rolesMatching(/^OddsPollRole/)[0]!;
    const g = grants(role);
    expect(g.map((x) => x.action).sort()).toEqual([
      // Theos (THEO#) and a tournament sport's active keys (ODDSKEYS#), each its own LeadingKeys grant.
      'dynamodb:PutItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
    ]);
    for (const d of dynamo(role)) {
      expect(d.resources).toEqual([table()]);
      expect(leadingKeys(d.condition), 'LeadingKeys condition').toBe(true);
    }
  });

  it('odds-refresh: its log group, the Odds key, Put/UpdateItem on its own keys (GetItem: the credits-left record)', () => {
    const role = rolesMatching(/^OddsRefreshRole/)[0]!;
    expect(
      grants(role)
        .map((x) => x.action)
        .sort(),
    ).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:UpdateItem',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
    ]);
    for (const d of dynamo(role)) expect(leadingKeys(d.condition)).toBe(true);
  });

  it('kill-switch: its log group, the Kalshi key, Query/UpdateItem on the kill-flag keys, send to its DLQ', () => {
    const role = rolesMatching(/^AlarmsKillSwitchRole/)[0]!;
    expect(
      grants(role)
        .map((x) => x.action)
        .sort(),
    ).toEqual([
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    for (const d of dynamo(role)) expect(leadingKeys(d.condition)).toBe(true);
    // The async-invoke on-failure destination: its own dead-letter queue only.
    const dlq = idOf('AWS::SQS::Queue', /^AlarmsKillSwitchDlq/);
    for (const q of grants(role).filter((x) => x.action.startsWith('sqs:')))
      expect(q.resources).toEqual([dlq]);
  });

  it('worker task role: item reads/writes on its keys, index query, PutEvents on its bus, journal puts under its own prefix; nothing else', () => {
    const bus = idOf('AWS::Events::EventBus', /^OddsBus/);
    const journal = idOf('AWS::S3::Bucket', /^JournalBucket/);
    for (const role of rolesMatching(/^WorkerTask\d+TaskRole/)) {
      const g = grants(role);
      expect([...new Set(g.map((x) => x.action))].sort()).toEqual([
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'events:PutEvents',
        's3:PutObject',
      ]);
      // The session journal: segments go to this shard's prefix of the journal bucket, nowhere else
      // (no read, no delete, no other shard's prefix).
      const shard = /^WorkerTask(\d+)TaskRole/.exec(role)![1];
      for (const st of (statementsOf.get(role) ?? []).filter((x) => actions(x).includes('s3:PutObject'))) {
        expect(actions(st)).toEqual(['s3:PutObject']);
        const res = JSON.stringify(st.Resource);
        expect(res).toContain(journal);
        expect(res).toContain(`/shard-${shard}/*`);
      }
      for (const d of dynamo(role)) expect(leadingKeys(d.condition), `${role} ${d.action}`).toBe(true);
      for (const e of g.filter((x) => x.action === 'events:PutEvents')) expect(e.resources).toEqual([bus]);
      // Exactly what the worker does, per action and key prefix (table / gsi1). It only reads theos
      // and kill flags: a worker able to write them could clear the global kill or forge a theo.
      const byAction = new Map<string, Set<string>>();
      for (const d of dynamo(role)) {
        const stmt = (statementsOf.get(role) ?? []).find(
          (st) =>
            actions(st).includes(d.action) && JSON.stringify(st.Condition) === JSON.stringify(d.condition),
        )!;
        const onIndex = JSON.stringify(stmt.Resource).includes('/index/gsi1');
        expect(d.resources, `${d.action}`).toEqual([table()]);
        const like = d.condition?.['ForAllValues:StringLike'] as Record<string, string[]> | undefined;
        expect(like?.['dynamodb:LeadingKeys'], `${d.action} LeadingKeys`).toBeDefined();
        const keys = (like?.['dynamodb:LeadingKeys'] ?? []).map((k) => `${onIndex ? 'gsi1:' : ''}${k}`);
        byAction.set(d.action, new Set([...(byAction.get(d.action) ?? []), ...keys]));
      }
      expect(Object.fromEntries([...byAction].map(([a, k]) => [a, [...k].sort()]))).toEqual({
        'dynamodb:BatchGetItem': ['THEO#*'],
        'dynamodb:Query': ['KILL*', 'PNLGAMES#*', 'gsi1:FILLS#*', 'gsi1:SETTLES#*', 'gsi1:THEOS#*'],
        'dynamodb:PutItem': [
          'DEC#*',
          'FILL#*',
          'LIVE*',
          'MAP#*',
          'ORDER#*',
          'PNLDAY#*',
          'PNLGAMES#*',
          'POS#*',
          'SETTLE#*',
          'THEOSTOP#*',
        ],
        'dynamodb:GetItem': ['LEASE#*', 'ODDSKEYS#*', 'PNLDAY#*', 'THEOSTOP#*'],
        'dynamodb:UpdateItem': ['LEASE#*'],
      });
    }
  });

  it('worker execution role: pull its image, write its logs, inject the Kalshi key', () => {
    for (const role of rolesMatching(/^WorkerTask\d+ExecutionRole/)) {
      const g = grants(role);
      expect([...new Set(g.map((x) => x.action))].sort()).toEqual([
        'ecr:BatchCheckLayerAvailability',
        'ecr:BatchGetImage',
        'ecr:GetAuthorizationToken',
        'ecr:GetDownloadUrlForLayer',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
      ]);
      for (const x of g.filter((y) => y.action.startsWith('logs:')))
        expect(x.resources).toEqual([idOf('AWS::Logs::LogGroup', /^WorkerLogs/)]);
    }
  });

  it('scheduler: invokes only the odds-poll function', () => {
    const role = rolesMatching(/^SchedulerRoleForTarget/)[0]!;
    const fn = idOf('AWS::Lambda::Function', /^OddsPollFn/);
    const g = grants(role);
    expect([...new Set(g.map((x) => x.action))]).toEqual(['lambda:InvokeFunction']);
    for (const x of g) expect([...new Set(x.resources)]).toEqual([fn]);
  });

  it('VPC flow logs: write only to the flow-log group', () => {
    const role = rolesMatching(/^WorkerVpcFlowLogIAMRole/)[0]!;
    for (const x of grants(role)) {
      expect(x.action).toMatch(/^logs:(CreateLogStream|DescribeLogStreams|PutLogEvents)$/);
      expect(x.resources).toEqual([idOf('AWS::Logs::LogGroup', /^WorkerFlowLogs/)]);
    }
  });
});
