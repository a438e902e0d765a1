import restify, { type Next, type Request, type Response } from 'restify';
import type { Activity, InvokeResponse, TurnContext } from 'botbuilder';
import { isAuthenticationFailure, type HelpdeskAdapter } from './bot-adapter';
import type { Logger } from './log';
import type { ReadinessReport } from './bot/readiness';

export interface ServerDependencies {
  adapter: HelpdeskAdapter;
  /** Runs one turn (the bot's `run`). */
  logic: (context: TurnContext) => Promise<void>;
  allowedTenantIds: readonly string[];
  maxBodyBytes: number;
  logger: Logger;
  /** Graceful shutdown waits this long for in-flight turns before closing anyway. */
  drainTimeoutMs?: number;
  /** What `/readyz` checks (storage, executor leases); without it `/readyz` answers like `/healthz`. */
  readiness?: () => Promise<ReadinessReport>;
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

/**
 * Checks what the adapter would otherwise choke on (with a 500 and the error text) and what must be
 * refused before any bot logic runs: the tenant.
 */
export function checkActivity(body: unknown, allowedTenantIds: readonly string[]): Rejection | Activity {
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

export function createServer(deps: ServerDependencies): HelpdeskServer {
  const { adapter, logic, logger } = deps;
  const server = restify.createServer({ name: 'mfa-helpdesk-bot', handleUncaughtExceptions: false });
  let inFlight = 0;
  let closing = false;
  const drained: Array<() => void> = [];

  // bodyReader (not bodyParser) so that a malformed body reaches our own generic 400 below.
  server.use(restify.plugins.bodyReader({ maxBodySize: deps.maxBodyBytes }));

  // restify's own errors (413, 404, 405) keep their status but lose any detail in the body.
  server.on(
    'restifyError',
    (req: Request, _res: Response, err: { statusCode?: number }, callback: () => void) => {
      const status =
        err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      logger.warn({ status, method: req.method, path: req.path() }, 'request refused');
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
      if (!report.ready) logger.warn({ checks: report.checks }, 'not ready');
      res.send(report.ready ? 200 : 503, {
        status: report.ready ? 'ready' : 'not ready',
        checks: report.checks,
      });
    } catch (error) {
      logger.error({ err: error }, 'readiness check failed');
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
      logger.warn({ reason: 'body is not JSON' }, 'activity refused');
      res.send(400, { error: BAD_REQUEST });
      return;
    }
    const checked = checkActivity(parsed.value, deps.allowedTenantIds);
    if ('status' in checked) {
      logger.warn({ reason: checked.reason, status: checked.status }, 'activity refused');
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
        logger.warn({ reason: 'authentication failed' }, 'activity refused');
        res.send(401, { error: 'Unauthorized' });
      } else {
        logger.error({ err: error }, 'turn failed outside the bot');
        res.send(500, { error: 'Internal error' });
      }
    } finally {
      inFlight--;
      if (inFlight === 0) drained.splice(0).forEach((resolve) => resolve());
    }
  });

  return {
    server,
    listen(port: number, host = '0.0.0.0') {
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
    },
    inFlight: () => inFlight,
  };
}
