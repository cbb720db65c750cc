/**
 * The S3 shipper over a real loopback socket: one SigV4-signed PutObject per
 * segment at <prefix><run>/<segment>, the body's SHA-256 in its header; an
 * error answer (403) is thrown, so the journal counts it and keeps the file.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Shipper } from '../../../worker/journal/s3-shipper.ts';

const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }[] = [];
let status = 200;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
    res.statusCode = status;
    res.end(status === 200 ? '' : '<Error><Code>AccessDenied</Code></Error>');
  });
});
let endpoint = '';
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const shipper = () =>
  s3Shipper({
    bucket: 'journals',
    prefix: 'shard-0/',
    run: '2026-01-01T00-00-00-000Z',
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  });

describe('s3Shipper', () => {
  it("PUTs a signed segment under the shard's prefix and the run", async () => {
    status = 200;
    const body = new Uint8Array(Buffer.from('gzip bytes'));
    await shipper().put('seg-000001.jsonl.gz', body);
    const req = seen.at(-1)!;
    expect(req.method).toBe('PUT');
    expect(req.url).toBe('/journals/shard-0/2026-01-01T00-00-00-000Z/seg-000001.jsonl.gz');
    expect(req.body.toString()).toBe('gzip bytes');
    expect(req.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(body).digest('hex'));
    expect(req.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/s3\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*x-amz-content-sha256[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    // The secret key itself never travels.
    expect(JSON.stringify(req.headers)).not.toContain('wJalrXUtnFEMI');
  });

  it('throws on an error answer', async () => {
    status = 403;
    await expect(shipper().put('seg-000002.jsonl.gz', new Uint8Array([1]))).rejects.toThrow(
      /403.*AccessDenied/,
    );
  });
});
