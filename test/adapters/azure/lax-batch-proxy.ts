import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LaxBatchProxy {
  /** The table endpoint to use instead of Azurite's (same account path). */
  tableEndpoint: string;
  /** How many batch operations had their If-Match dropped. */
  dropped(): number;
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of Azurite's table service that reproduces Azure/Azurite#1233: every
 * If-Match inside an entity group transaction becomes `*`, so updates and deletes in a batch ignore
 * the eTag. Single-entity requests pass unchanged. Table requests are signed with SharedKeyLite
 * (date and resource only), so editing the body keeps the signature valid.
 */
export async function startLaxBatchProxy(tableEndpoint: string): Promise<LaxBatchProxy> {
  const target = new URL(tableEndpoint);
  let dropped = 0;
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      let body = Buffer.concat(chunks);
      if (incoming.method === 'POST' && (incoming.url ?? '').includes('$batch')) {
        const text = body.toString('utf8').replace(/^If-Match: (?!\*).*$/gim, () => {
          dropped += 1;
          return 'If-Match: *';
        });
        body = Buffer.from(text, 'utf8');
      }
      const forwarded = request(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, host: target.host, 'content-length': String(body.length) },
        },
        (response) => {
          outgoing.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(outgoing);
        },
      );
      forwarded.on('error', (error) => outgoing.destroy(error));
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    tableEndpoint: `http://127.0.0.1:${port}${target.pathname}`,
    dropped: () => dropped,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
