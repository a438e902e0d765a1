import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';

export interface ConnectorCall {
  method: string;
  path: string;
  conversationId: string;
  activity: Partial<Activity>;
}

/**
 * Stands in for the Bot Framework connector service that a Teams activity's `serviceUrl` points to:
 * it records every activity the bot sends, updates or creates, so tests read what a person saw.
 */
export class LoopbackConnector {
  readonly calls: ConnectorCall[] = [];
  /** Every call, as it arrives; the benchmark keeps no history and listens instead. */
  onCall: ((call: ConnectorCall) => void) | undefined;
  private readonly keepCalls: boolean;
  private server: Server | undefined;
  private nextId = 1;
  private waiters: Array<() => void> = [];

  constructor(options: { keepCalls?: boolean } = {}) {
    this.keepCalls = options.keepCalls ?? true;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Activities sent to a conversation (replies, proactive messages and updates), oldest first. */
  sentTo(conversationId?: string): Array<Partial<Activity>> {
    return this.calls
      .filter((call) => conversationId === undefined || call.conversationId === conversationId)
      .map((call) => call.activity);
  }

  clear(): void {
    this.calls.length = 0;
  }

  /** Waits until `count` activities have arrived for the conversation (proactive sends are async). */
  async waitForCount(
    count: number,
    conversationId?: string,
    timeoutMs = 10000,
  ): Promise<Array<Partial<Activity>>> {
    const deadline = Date.now() + timeoutMs;
    while (this.sentTo(conversationId).length < count) {
      if (Date.now() > deadline) {
        throw new Error(`expected ${count} activities, got ${this.sentTo(conversationId).length}`);
      }
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.sentTo(conversationId);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
    const path = decodeURIComponent((req.url ?? '').split('?')[0] ?? '');
    const reply = (status: number, payload: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (req.method === 'POST' && path === '/v3/conversations') {
      const id = `created-conversation-${this.nextId++}`;
      if (body.activity) this.record('POST', path, id, body.activity);
      reply(200, { id, activityId: `activity-${this.nextId++}` });
      return;
    }
    const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path);
    if (match && (req.method === 'POST' || req.method === 'PUT')) {
      const conversationId = match[1] ?? '';
      const id = req.method === 'PUT' ? (match[2] ?? '') : `activity-${this.nextId++}`;
      this.record(req.method, path, conversationId, { ...body, id });
      reply(200, { id });
      return;
    }
    reply(404, { error: { code: 'NotFound', message: `no route for ${req.method} ${path}` } });
  }

  private record(method: string, path: string, conversationId: string, activity: Partial<Activity>): void {
    const call = { method, path, conversationId, activity };
    if (this.keepCalls) this.calls.push(call);
    this.onCall?.(call);
    this.waiters.splice(0).forEach((resolve) => resolve());
  }
}
