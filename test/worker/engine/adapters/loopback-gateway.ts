/** A KalshiGateway over the real REST client and a loopback Kalshi REST server, for the gateway adapter tests. */
import { KalshiRestClient } from '../../../../shared/kalshi/rest-client.ts';
import { createRsaSigner } from '../../../../shared/kalshi/signer.ts';
import { KalshiGateway } from '../../../../worker/engine/adapters/kalshi-gateway.ts';
import { type Handler, keyPair, startServer, VirtualClock } from '../../../shared/kalshi/support.ts';

/**
 * Starts a server answering with `handler` and a gateway on it (virtual clock, no rate limiter,
 * up to `maxAttempts` tries a request); both are closed by the `cleanups` the test file runs after each test.
 */
export async function loopbackGateway(handler: Handler, cleanups: (() => Promise<void>)[], maxAttempts = 4) {
  const server = await startServer(handler);
  const client = new KalshiRestClient({
    baseUrl: server.baseUrl,
    signer: createRsaSigner({ keyId: 'k', privateKeyPem: keyPair.privatePem }),
    clock: new VirtualClock(),
    random: () => 0.5,
    limiter: false,
    retry: { baseMs: 100, capMs: 1000, maxAttempts },
  });
  cleanups.push(async () => {
    await client.close();
    await server.close();
  });
  return { server, gw: new KalshiGateway(client) };
}
