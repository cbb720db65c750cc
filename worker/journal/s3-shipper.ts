/**
 * Ships closed journal segments to S3 (the JournalBucket, infra/constructs/journal-bucket.ts):
 * one SigV4-signed PutObject per segment under the task's prefix, with the task role's
 * credentials. A plain signed PUT rather than the S3 client: one call, no extra dependency
 * (the signer and the credential chain come with the AWS SDK clients the worker already uses).
 * Object keys: `<prefix><run>/<segment>`, the run being the worker's start time, so a restarted
 * task never overwrites the segments of the run before it.
 */
import { createHash, createHmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, SourceData } from '@smithy/types';
import type { SegmentShipper } from './session-journal.ts';

const bytes = (d: SourceData): string | Uint8Array =>
  typeof d === 'string'
    ? d
    : ArrayBuffer.isView(d)
      ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength)
      : new Uint8Array(d);

/** node:crypto in the shape the signer wants (a hash, or an HMAC when given a secret). */
class NodeSha256 {
  private readonly h;
  constructor(secret?: SourceData) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.h.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
  reset(): void {}
}

export interface S3ShipperOptions {
  bucket: string;
  /** The shard's prefix (`shard-0/`). */
  prefix: string;
  /** The run's folder under the prefix (the worker's start time). */
  run: string;
  region: string;
  /** Path-style endpoint (tests, local S3); default the bucket's virtual-host endpoint. */
  endpoint?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  fetch?: typeof fetch;
}

export function s3Shipper(o: S3ShipperOptions): SegmentShipper {
  const signer = new SignatureV4({
    service: 's3',
    region: o.region,
    credentials: o.credentials ?? defaultProvider(),
    sha256: NodeSha256,
    uriEscapePath: false,
    applyChecksum: true,
  });
  const doFetch = o.fetch ?? fetch;
  const base = o.endpoint
    ? new URL(`${o.endpoint.replace(/\/$/, '')}/${o.bucket}/`)
    : new URL(`https://${o.bucket}.s3.${o.region}.amazonaws.com/`);
  return {
    put: async (name, body) => {
      const key = `${o.prefix}${o.run}/${name}`;
      const url = new URL(key, base);
      const signed = await signer.sign({
        method: 'PUT',
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        query: {},
        headers: {
          host: url.host,
          'content-type': 'application/gzip',
          'content-length': String(body.byteLength),
          'x-amz-content-sha256': createHash('sha256').update(body).digest('hex'),
        },
        body,
      });
      const res = await doFetch(url, { method: 'PUT', headers: signed.headers, body: Buffer.from(body) });
      if (res.status >= 300) {
        const text = await res.text().catch(() => '');
        throw new Error(`S3 PutObject ${key}: ${res.status} ${text.slice(0, 200)}`);
      }
    },
  };
}
