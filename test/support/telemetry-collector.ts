import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { readEmulatorCertificate } from '../../tools/graph-emulator/ensure-cert';

/** One Application Insights envelope as the Azure Monitor exporter sends it. */
export interface Envelope {
  name: string;
  time: string;
  tags?: Record<string, string>;
  data?: { baseType?: string; baseData?: Record<string, unknown> & { properties?: Record<string, unknown> } };
}

/**
 * A stand-in for the Application Insights ingestion endpoint, over HTTPS with the Graph emulator's
 * certificate (the exporter rewrites http:// endpoints to https://): accepts what the exporter posts
 * (plain or gzip, a JSON array or newline-delimited), keeps every payload as text, answers as the
 * service does so the exporter does not retry.
 */
export class TelemetryCollector {
  readonly payloads: string[] = [];
  private server: Server | undefined;
  private waiters: Array<() => void> = [];

  async start(): Promise<string> {
    const certificate = readEmulatorCertificate();
    this.server = createServer({ cert: certificate.cert, key: certificate.key }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
        this.payloads.push(text);
        const count = this.parse(text).length;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ itemsReceived: count, itemsAccepted: count, errors: [] }));
        this.waiters.splice(0).forEach((wake) => wake());
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `https://127.0.0.1:${port}/`;
  }

  /** A connection string that sends everything here (and nothing to Azure). */
  connectionString(endpoint: string): string {
    return `InstrumentationKey=00000000-0000-4000-8000-00000000a1b2;IngestionEndpoint=${endpoint};LiveEndpoint=${endpoint}`;
  }

  envelopes(): Envelope[] {
    return this.payloads.flatMap((text) => this.parse(text));
  }

  /** Resolves once an envelope matching `predicate` has arrived. */
  async until(predicate: (envelope: Envelope) => boolean): Promise<Envelope> {
    for (;;) {
      const found = this.envelopes().find(predicate);
      if (found) return found;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private parse(text: string): Envelope[] {
    const trimmed = text.trim();
    if (trimmed.startsWith('[')) return JSON.parse(trimmed) as Envelope[];
    return trimmed
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Envelope);
  }
}
