/**
 * The Graph client set up the way this bot needs it: every attempt under a timeout, 429/503/504
 * retried with Retry-After honoured up to a cap, retries switchable off per request (the Temporary
 * Access Pass), raw responses so Graph's request-id can be read on success too, and every failure
 * turned into an AppError.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
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

/** Graph's limit on the requests of one JSON batch (learn.microsoft.com/graph/json-batching). */
export const GRAPH_BATCH_LIMIT = 20;

/** Statuses the client retries on its own; inside a batch they are retried alone. */
const RETRIED_STATUSES = new Set([429, 503, 504]);

/** A read waiting in a `together` scope for its batch to go. */
interface QueuedRead {
  call: GraphCall;
  resolve: (result: GraphResult<unknown>) => void;
  reject: (error: unknown) => void;
}

/** The reads of one `together` scope started in the current turn of the event loop. */
class BatchScope {
  queued: QueuedRead[] = [];
  scheduled = false;
}

/** One answer inside a `$batch` response. */
interface BatchedAnswer {
  id?: unknown;
  status?: unknown;
  headers?: unknown;
  body?: unknown;
}

function headersOf(value: unknown): Headers {
  const headers = new Headers();
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) if (typeof item === 'string') headers.set(key, item);
  }
  return headers;
}

/** The path under /v1.0 with the call's query, encoded the same way for a request and a batch. */
function pathWithQuery(call: GraphCall): string {
  if (call.query === undefined) return call.path;
  const pairs = Object.entries(call.query).map(([key, value]) => `${key}=${encodeURIComponent(value)}`);
  return `${call.path}?${pairs.join('&')}`;
}

export class GraphHttp {
  private readonly client: Client;
  private readonly batches = new AsyncLocalStorage<BatchScope>();
  private readonly maxRetryAfterSeconds: number;
  private readonly maxRetries: number;
  /** The client's retry options with this many retries (429/503/504, Retry-After up to the cap). */
  private readonly retries: (maxRetries: number) => RetryHandlerOptions;

  constructor(options: GraphHttpOptions) {
    const base = new URL(options.graphBaseUrl);
    const scope = `${base.origin}/.default`;
    const maxRetryAfterSeconds = options.maxRetryAfterSeconds;
    this.maxRetryAfterSeconds = maxRetryAfterSeconds;
    this.retries = (maxRetries: number) =>
      new RetryHandlerOptions(3, maxRetries, (_delay, _attempt, _request, _options, response) => {
        const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
        return retryAfter === undefined || retryAfter <= maxRetryAfterSeconds;
      });
    this.maxRetries = Math.min(options.maxRetries, 10);
    const retryOptions = this.retries(this.maxRetries);
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
        const result = await this.sendOrQueue<T>(call);
        span.setAttribute('http.response.status_code', result.status);
        if (result.requestId !== undefined) span.setAttribute('graph.request_id', result.requestId);
        return result;
      },
    );
  }

  /**
   * Runs `work`; the Graph reads (GET) it starts in one turn of the event loop go to Graph together
   * in one JSON batch (`POST /$batch`, up to 20 a batch) rather than one HTTPS request each: a
   * privilege check is six reads, and each request costs both ends a request's parsing, headers and
   * routing. Only for reads the caller needs every one of: a batch answers when its slowest read
   * does. Graph still counts each read against its throttling limits, and answers each on its own
   * (a 404 fails that read only); one throttled inside the batch is retried alone, after its
   * Retry-After. A read started alone in its turn goes alone.
   */
  together<T>(work: () => Promise<T>): Promise<T> {
    return this.batches.run(new BatchScope(), work);
  }

  private sendOrQueue<T>(call: GraphCall): Promise<GraphResult<T>> {
    const scope = this.batches.getStore();
    if (scope === undefined || call.method !== 'GET' || call.retry === false) return this.send<T>(call);
    return new Promise<GraphResult<T>>((resolve, reject) => {
      scope.queued.push({ call, resolve: resolve as (result: GraphResult<unknown>) => void, reject });
      if (scope.scheduled) return;
      scope.scheduled = true;
      // After this turn's promise jobs: reads started a few awaits apart still share the batch.
      setImmediate(() => {
        scope.scheduled = false;
        void this.sendQueued(scope.queued.splice(0));
      });
    });
  }

  private async sendQueued(reads: QueuedRead[]): Promise<void> {
    const settle = async (read: QueuedRead, work: () => Promise<GraphResult<unknown>>): Promise<void> => {
      try {
        read.resolve(await work());
      } catch (error) {
        read.reject(error);
      }
    };
    if (reads.length === 1) {
      const [read] = reads as [QueuedRead];
      await settle(read, () => this.send(read.call));
      return;
    }
    const chunks: QueuedRead[][] = [];
    for (let at = 0; at < reads.length; at += GRAPH_BATCH_LIMIT) {
      chunks.push(reads.slice(at, at + GRAPH_BATCH_LIMIT));
    }
    await Promise.all(chunks.map((chunk) => this.sendBatch(chunk, settle)));
  }

  private async sendBatch(
    reads: QueuedRead[],
    settle: (read: QueuedRead, work: () => Promise<GraphResult<unknown>>) => Promise<void>,
  ): Promise<void> {
    const requests = reads.map((read, index) => ({
      id: String(index + 1),
      method: read.call.method,
      url: pathWithQuery(read.call),
      ...(read.call.headers === undefined ? {} : { headers: read.call.headers }),
    }));
    let answers: Map<string, BatchedAnswer>;
    try {
      const { body } = await this.send<{ responses?: unknown }>({
        method: 'POST',
        path: '/$batch',
        body: { requests },
        operation: 'batch',
      });
      const list = Array.isArray(body?.responses) ? (body.responses as BatchedAnswer[]) : [];
      answers = new Map(list.map((answer) => [String(answer.id), answer]));
    } catch (error) {
      // The envelope failed (unreachable, timed out, refused): so did every read in it.
      for (const read of reads) read.reject(error);
      return;
    }
    await Promise.all(
      reads.map((read, index) =>
        settle(read, () => this.settleBatched(read.call, answers.get(String(index + 1)))),
      ),
    );
  }

  /** One read's answer from a batch, read exactly as if it had come alone. */
  private async settleBatched<T>(
    call: GraphCall,
    answer: BatchedAnswer | undefined,
  ): Promise<GraphResult<T>> {
    const status = answer?.status;
    if (answer === undefined || typeof status !== 'number' || status < 200 || status > 599) {
      throw new AppError('UNAVAILABLE', `Graph's batch came back without an answer for ${call.operation}`);
    }
    const headers = headersOf(answer.headers);
    if (RETRIED_STATUSES.has(status) && this.maxRetries > 0) {
      const retryAfter = parseRetryAfter(headers.get('retry-after'));
      if (retryAfter === undefined || retryAfter <= this.maxRetryAfterSeconds) {
        if (retryAfter !== undefined && retryAfter > 0) {
          await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
        }
        // Alone from here on; the attempt in the batch was the first, so one retry fewer is left.
        return this.send<T>(call, this.maxRetries - 1);
      }
    }
    const empty = answer.body === undefined || [204, 205, 304].includes(status);
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    return this.interpret<T>(call, new Response(empty ? null : text, { status, headers }));
  }

  /** `retries`: fewer automatic retries than configured (a retry of a read first tried in a batch). */
  private async send<T>(call: GraphCall, retries?: number): Promise<GraphResult<T>> {
    const path = pathWithQuery(call);
    let request = this.client.api(path).responseType(ResponseType.RAW);
    if (call.headers !== undefined) request = request.headers(call.headers);
    if (call.retry === false) request = request.middlewareOptions([NO_RETRY()]);
    else if (retries !== undefined) request = request.middlewareOptions([this.retries(retries)]);

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

    return this.interpret<T>(call, response);
  }

  /** A Graph answer as a result, or the AppError its failure maps to. */
  private async interpret<T>(call: GraphCall, response: Response): Promise<GraphResult<T>> {
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
