import restify, { type Next, type Request, type Response } from 'restify';
import type { Activity, InvokeResponse, TurnContext } from 'botbuilder';
import { isAuthenticationFailure, type HelpdeskAdapter } from './bot-adapter';
import { WindowCounter } from './domain/rate-limit';
import { isLoopbackHost } from './config';
import { AppError } from './errors';
import type { Logger } from './log';
import type { ReadinessReport } from './requests/readiness';

export interface ServerDependencies {
  adapter: HelpdeskAdapter;
  /** Runs one turn (the bot's `run`). */
  logic: (context: TurnContext) => Promise<void>;
  allowedTenantIds: readonly string[];
  /**
   * Local sandbox: JWT checks may be off, so the server listens on loopback only, and activities
   * from other channels than Teams (the Bot Framework Emulator) are let through.
   */
  sandbox: boolean;
  maxBodyBytes: number;
  logger: Logger;
  /** Graceful shutdown waits this long for in-flight turns before closing anyway. */
  drainTimeoutMs?: number;
  /** What `/readyz` checks (storage, executor leases); without it `/readyz` answers like `/healthz`. */
  readiness?: () => Promise<ReadinessReport>;
  /** Refusal log lines per reason and minute; the rest are counted into the next line. */
  refusalLogsPerMinute?: number;
}

export interface HelpdeskServer {
  readonly server: restify.Server;
  listen(port: number, host?: string): Promise<number>;
  /** Stops accepting requests, then waits for in-flight turns to finish. */
  close(): Promise<void>;
  inFlight(): number;
}

type Rejection = { status: number; message: string; reason: string };

/** Messages sent back on rejection are generic on purpose: no parser detail, no stack trace. */
const BAD_REQUEST = 'Bad request';

/** The only channel a production bot serves; the sandbox also takes the Bot Framework Emulator's. */
export const TEAMS_CHANNEL_ID = 'msteams';

export interface ActivityRules {
  allowedTenantIds: readonly string[];
  /** Outside the sandbox only Teams activities are served. */
  sandbox: boolean;
}

/**
 * Checks what the adapter would otherwise choke on (with a 500 and the error text) and what must be
 * refused before any bot logic runs: the channel and the tenant.
 */
export function checkActivity(body: unknown, rules: ActivityRules): Rejection | Activity {
  const { allowedTenantIds } = rules;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { status: 400, message: BAD_REQUEST, reason: 'body is not a JSON object' };
  }
  const activity = body as Record<string, unknown>;
  if (typeof activity.type !== 'string' || activity.type.trim() === '') {
    return { status: 400, message: BAD_REQUEST, reason: 'activity has no type' };
  }
  if (activity.type === 'invoke') {
    const value = activity.value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { status: 400, message: BAD_REQUEST, reason: 'invoke without an object value' };
    }
    if (activity.name === 'adaptiveCard/action') {
      const action = (value as Record<string, unknown>).action;
      const verb =
        typeof action === 'object' && action !== null ? (action as Record<string, unknown>).verb : undefined;
      if (typeof verb !== 'string' || verb === '') {
        return { status: 400, message: BAD_REQUEST, reason: 'adaptiveCard/action invoke without a verb' };
      }
    }
  }
  if (!rules.sandbox && activity.channelId !== TEAMS_CHANNEL_ID) {
    return { status: 403, message: 'Forbidden', reason: 'channel not allowed' };
  }
  const conversation = activity.conversation as Record<string, unknown> | undefined;
  const channelData = activity.channelData as Record<string, unknown> | undefined;
  const tenant = channelData?.tenant as Record<string, unknown> | undefined;
  const conversationTenant = typeof conversation?.tenantId === 'string' ? conversation.tenantId : undefined;
  const channelTenant = typeof tenant?.id === 'string' ? tenant.id : undefined;
  // Both places must name an allowed tenant: a forged activity could set one and not the other.
  const allowed = (id: string | undefined): boolean =>
    id !== undefined && allowedTenantIds.includes(id.toLowerCase());
  if (!allowed(conversationTenant) || !allowed(channelTenant)) {
    return { status: 403, message: 'Forbidden', reason: 'tenant not allowed' };
  }
  return activity as unknown as Activity;
}

function parseBody(raw: unknown): { ok: true; value: unknown } | { ok: false } {
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : undefined;
  if (text === undefined || text.trim() === '') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * Bot Framework never compresses what it posts, and restify's body reader limits the *compressed*
 * bytes of a gzip body and inflates it without limit: a 254 KiB body becomes 255 MiB before the JWT
 * is even looked at. Only identity is accepted, and that is decided from the header alone.
 */
export function isIdentityEncoding(header: string | string[] | undefined): boolean {
  if (header === undefined) return true;
  const codings = (Array.isArray(header) ? header.join(',') : header)
    .split(',')
    .map((coding) => coding.trim().toLowerCase());
  return codings.every((coding) => coding === '' || coding === 'identity');
}

/**
 * Everything refused here comes before authentication, so anyone can cause these lines: each
 * reason gets a few lines a minute, and the next line that is written says how many were left out.
 */
export class RefusalLog {
  private readonly counter: WindowCounter;
  private readonly skipped = new Map<string, number>();

  constructor(
    private readonly logger: Logger,
    perMinute: number,
    now?: () => number,
  ) {
    this.counter = new WindowCounter({ limit: perMinute, windowMs: 60_000, ...(now ? { now } : {}) });
  }

  warn(fields: { reason: string } & Record<string, unknown>, message: string): void {
    const key = `${message}:${fields.reason}`;
    if (this.counter.hit(key).over) {
      this.skipped.set(key, (this.skipped.get(key) ?? 0) + 1);
      return;
    }
    const skipped = this.skipped.get(key);
    this.skipped.delete(key);
    this.logger.warn(skipped === undefined ? fields : { ...fields, similarNotLogged: skipped }, message);
  }

  /** At shutdown: the counts that no later line carried. */
  flush(): void {
    for (const [key, count] of this.skipped) {
      this.logger.warn({ refusal: key, similarNotLogged: count }, 'refusals not logged');
    }
    this.skipped.clear();
  }
}

export function createServer(deps: ServerDependencies): HelpdeskServer {
  const { adapter, logic } = deps;
  const refusals = new RefusalLog(deps.logger, deps.refusalLogsPerMinute ?? 20);
  const server = restify.createServer({ name: 'mfa-helpdesk-bot', handleUncaughtExceptions: false });
  let inFlight = 0;
  let closing = false;
  const drained: Array<() => void> = [];

  // Before routing and before any byte of the body is read (or inflated).
  server.pre((req: Request, res: Response, next: Next) => {
    if (isIdentityEncoding(req.headers['content-encoding'])) {
      // restify's reader knows only "no header" and gzip; identity is the same as no header.
      delete req.headers['content-encoding'];
      return next();
    }
    refusals.warn({ reason: 'content encoding', status: 415 }, 'request refused');
    res.header('Accept-Encoding', 'identity');
    res.send(415, { error: 'Unsupported content encoding' });
    return next(false);
  });

  // bodyReader (not bodyParser) so that a malformed body reaches our own generic 400 below.
  server.use(restify.plugins.bodyReader({ maxBodySize: deps.maxBodyBytes }));

  // restify's own errors (413, 404, 405) keep their status but lose any detail in the body.
  server.on(
    'restifyError',
    (req: Request, _res: Response, err: { statusCode?: number }, callback: () => void) => {
      const status =
        err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      refusals.warn(
        { reason: `status ${status}`, status, method: req.method, path: req.path() },
        'request refused',
      );
      (err as { toJSON?: () => unknown }).toJSON = () => ({
        error: status === 500 ? 'Internal error' : 'Request refused',
      });
      callback();
    },
  );

  // restify 11 accepts a handler only if it is async or takes `next`.
  server.get('/healthz', (_req: Request, res: Response, next: Next) => {
    res.send(closing ? 503 : 200, { status: closing ? 'stopping' : 'ok' });
    next();
  });

  // Readiness (App Service's health check): storage and the executor, never Graph.
  server.get('/readyz', async (_req: Request, res: Response) => {
    if (closing) {
      res.send(503, { status: 'stopping' });
      return;
    }
    if (deps.readiness === undefined) {
      res.send(200, { status: 'ready' });
      return;
    }
    try {
      const report = await deps.readiness();
      if (!report.ready) deps.logger.warn({ checks: report.checks }, 'not ready');
      res.send(report.ready ? 200 : 503, {
        status: report.ready ? 'ready' : 'not ready',
        checks: report.checks,
      });
    } catch (error) {
      deps.logger.error({ err: error }, 'readiness check failed');
      res.send(503, { status: 'not ready' });
    }
  });

  server.post('/api/messages', async (req: Request, res: Response) => {
    if (closing) {
      res.send(503, { error: 'Shutting down' });
      return;
    }
    const parsed = parseBody(req.body);
    if (!parsed.ok) {
      refusals.warn({ reason: 'body is not JSON' }, 'activity refused');
      res.send(400, { error: BAD_REQUEST });
      return;
    }
    const checked = checkActivity(parsed.value, deps);
    if ('status' in checked) {
      refusals.warn({ reason: checked.reason, status: checked.status }, 'activity refused');
      res.send(checked.status, { error: checked.message });
      return;
    }
    inFlight++;
    try {
      const authHeader = req.headers.authorization ?? '';
      const invokeResponse: InvokeResponse | undefined = await adapter.processChecked(
        authHeader,
        checked,
        logic,
      );
      if (invokeResponse) res.send(invokeResponse.status, invokeResponse.body);
      else res.send(200);
    } catch (error) {
      if (isAuthenticationFailure(error)) {
        refusals.warn({ reason: 'authentication failed' }, 'activity refused');
        res.send(401, { error: 'Unauthorized' });
      } else {
        deps.logger.error({ err: error }, 'turn failed outside the bot');
        res.send(500, { error: 'Internal error' });
      }
    } finally {
      inFlight--;
      if (inFlight === 0) drained.splice(0).forEach((resolve) => resolve());
    }
  });

  return {
    server,
    listen(port: number, host = deps.sandbox ? '127.0.0.1' : '0.0.0.0') {
      if (deps.sandbox && !isLoopbackHost(host)) {
        // Without JWT checks anyone who can reach the port could act as anyone in the tenant.
        return Promise.reject(
          new AppError('CONFIG_INVALID', `A sandbox bot listens on loopback only (asked for "${host}")`),
        );
      }
      return new Promise<number>((resolve) => {
        server.listen(port, host, () => resolve(server.address().port));
      });
    },
    async close() {
      closing = true;
      const stopped = new Promise<void>((resolve) => {
        server.close(() => resolve());
      });
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => drained.push(resolve)),
          new Promise<void>((resolve) => setTimeout(resolve, deps.drainTimeoutMs ?? 25000).unref()),
        ]);
      }
      await stopped;
      refusals.flush();
    },
    inFlight: () => inFlight,
  };
}
