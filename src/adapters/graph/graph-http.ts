/**
 * The Graph client set up the way this bot needs it: every attempt under a timeout, 429/503/504
 * retried with Retry-After honoured up to a cap, retries switchable off per request (the Temporary
 * Access Pass), raw responses so Graph's request-id can be read on success too, and every failure
 * turned into an AppError.
 */
import type { TokenCredential } from '@azure/identity';
import type { AuthenticationProvider, Context, Middleware } from '@microsoft/microsoft-graph-client';
import {
  AuthenticationHandler,
  Client,
  GraphClientError,
  HTTPMessageHandler,
  ResponseType,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
} from '@microsoft/microsoft-graph-client';
import type { ErrorCode } from '../../errors';
import { AppError, isAppError } from '../../errors';
import { parseRetryAfter, readFailure, toAppError } from './graph-errors';
import { SpanKind, traced } from '../../telemetry';

export interface GraphHttpOptions {
  graphBaseUrl: string;
  credential: TokenCredential;
  /** Per attempt, including reading the body; a token request gets the same budget. */
  timeoutMs: number;
  /** Automatic retries of 429/503/504 (the Graph client allows at most 10). */
  maxRetries: number;
  /** A Retry-After longer than this is not waited for; the call fails THROTTLED instead. */
  maxRetryAfterSeconds: number;
}

export interface GraphCall {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path under /v1.0, already encoded, e.g. `/users/{id}/authentication/methods`. */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  /** False for calls that must run at most once (creating a Temporary Access Pass). */
  retry?: boolean;
  /** Names the call in error messages. */
  operation: string;
  /** Maps a status to a more specific code for this operation (e.g. 400 → POLICY_REFUSED). */
  codeForStatus?: Partial<Record<number, ErrorCode>>;
}

export interface GraphResult<T> {
  status: number;
  body: T | undefined;
  requestId: string | undefined;
}

/** Carries an AppError through the Graph client, which rethrows GraphClientError unchanged. */
function carry(error: AppError): GraphClientError {
  const carrier = new GraphClientError(error.message);
  carrier.customError = error;
  return carrier;
}

class CredentialAuthProvider implements AuthenticationProvider {
  constructor(
    private readonly credential: TokenCredential,
    private readonly scope: string,
    private readonly timeoutMs: number,
  ) {}

  async getAccessToken(): Promise<string> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    // MSAL does not honour the abort signal for every request it makes, so the deadline is ours.
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new AppError('TIMEOUT', `No Microsoft Graph access token within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
    });
    try {
      const token = await Promise.race([
        this.credential.getToken(this.scope, { abortSignal: controller.signal }),
        deadline,
      ]);
      if (token === null) throw new Error('the credential returned no token');
      return token.token;
    } catch (error) {
      if (isAppError(error)) throw carry(error);
      const name = error instanceof Error ? error.name : '';
      // The token endpoint refused the app (unknown client, wrong secret or certificate): a
      // configuration problem, not an outage. An unreachable or unknown authority is UNAVAILABLE.
      const refused = name === 'AuthenticationError' || name === 'AuthenticationRequiredError';
      throw carry(
        new AppError(
          refused ? 'FORBIDDEN' : 'UNAVAILABLE',
          'Could not obtain a Microsoft Graph access token',
          {
            details: [name === '' ? 'unknown error' : name],
            cause: error,
          },
        ),
      );
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Sits right before the network: a fresh deadline per attempt (so a retry after Retry-After gets
 * its own), covering the body as well, because a server can stall after sending headers.
 */
class AttemptTimeoutHandler implements Middleware {
  private next: Middleware | undefined;

  constructor(private readonly timeoutMs: number) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    if (this.next === undefined) throw new Error('AttemptTimeoutHandler needs a next middleware');
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    context.options = { ...context.options, signal: controller.signal };
    try {
      await this.next.execute(context);
      const response = context.response as Response;
      const text = await response.text();
      const empty =
        text === '' || response.status === 204 || response.status === 205 || response.status === 304;
      context.response = new Response(empty ? null : text, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } catch (error) {
      if (controller.signal.aborted) {
        throw carry(
          new AppError('TIMEOUT', `Graph did not answer within ${this.timeoutMs} ms`, {
            details: ['the request may or may not have been applied'],
          }),
        );
      }
      if (error instanceof GraphClientError) throw error;
      // fetch rejects with a TypeError for refused, reset or dropped connections and TLS failures.
      throw carry(new AppError('UNAVAILABLE', 'Graph could not be reached', { cause: error }));
    } finally {
      clearTimeout(timer);
    }
  }
}

const NO_RETRY = (): RetryHandlerOptions => new RetryHandlerOptions(0, 0);

export class GraphHttp {
  private readonly client: Client;

  constructor(options: GraphHttpOptions) {
    const base = new URL(options.graphBaseUrl);
    const scope = `${base.origin}/.default`;
    const maxRetryAfterSeconds = options.maxRetryAfterSeconds;
    const retryOptions = new RetryHandlerOptions(
      3,
      Math.min(options.maxRetries, 10),
      (_delay, _attempt, _request, _options, response) => {
        const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
        return retryAfter === undefined || retryAfter <= maxRetryAfterSeconds;
      },
    );
    const middleware: Middleware[] = [
      new AuthenticationHandler(new CredentialAuthProvider(options.credential, scope, options.timeoutMs)),
      new RetryHandler(retryOptions),
      new TelemetryHandler(),
      new AttemptTimeoutHandler(options.timeoutMs),
      new HTTPMessageHandler(),
    ];
    this.client = Client.initWithMiddleware({
      baseUrl: base.origin,
      defaultVersion: 'v1.0',
      middleware,
      // The client only sends the token to hosts it knows; the emulator's is a bare host name.
      customHosts: new Set([base.hostname]),
    });
  }

  /** One span per call, named by the operation and carrying Graph's request-id (paths name people). */
  call<T>(call: GraphCall): Promise<GraphResult<T>> {
    return traced(
      `graph.${call.operation}`,
      {
        kind: SpanKind.CLIENT,
        attributes: { 'http.request.method': call.method, 'graph.operation': call.operation },
      },
      async (span) => {
        const result = await this.send<T>(call);
        span.setAttribute('http.response.status_code', result.status);
        if (result.requestId !== undefined) span.setAttribute('graph.request_id', result.requestId);
        return result;
      },
    );
  }

  private async send<T>(call: GraphCall): Promise<GraphResult<T>> {
    let path = call.path;
    if (call.query !== undefined) {
      const pairs = Object.entries(call.query).map(([key, value]) => `${key}=${encodeURIComponent(value)}`);
      path += `?${pairs.join('&')}`;
    }
    let request = this.client.api(path).responseType(ResponseType.RAW);
    if (call.headers !== undefined) request = request.headers(call.headers);
    if (call.retry === false) request = request.middlewareOptions([NO_RETRY()]);

    let response: Response;
    try {
      switch (call.method) {
        case 'GET':
          response = (await request.get()) as Response;
          break;
        case 'POST':
          response = (await request.post(call.body)) as Response;
          break;
        case 'PATCH':
          response = (await request.patch(call.body)) as Response;
          break;
        case 'DELETE':
          response = (await request.delete()) as Response;
          break;
      }
    } catch (error) {
      if (error instanceof GraphClientError && isAppError(error.customError)) throw error.customError;
      if (isAppError(error)) throw error;
      throw new AppError('UNAVAILABLE', `Graph ${call.operation} failed before an answer arrived`, {
        cause: error,
      });
    }

    const text = await response.text();
    let body: unknown;
    if (text !== '') {
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        body = text;
      }
    }
    if (response.ok) {
      return {
        status: response.status,
        body: body as T,
        requestId: response.headers.get('request-id') ?? undefined,
      };
    }
    const failure = readFailure(response.status, response.headers, body);
    throw toAppError(failure, call.operation, call.codeForStatus?.[response.status]);
  }
}
