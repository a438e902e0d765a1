/**
 * An HTTPS server on loopback that answers the Microsoft Graph v1.0 calls the bot makes, plus the
 * Entra ID token endpoint and OpenID metadata so the real @azure/identity credentials work against
 * it. Stateful, seeded from a directory file, with per-route fault injection and a record of every
 * request so tests can assert exactly what was sent.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { EmulatorCertificate } from './ensure-cert';
import { readEmulatorCertificate } from './ensure-cert';
import type { FaultAction, FaultRule, RouteName } from './faults';
import { FaultPlan, Gate } from './faults';
import type { SeedDirectory } from './seed';
import { loadSeed } from './seed';
import type { SentMail } from './state';
import { EmulatorState, GraphFailure, parseFilter, segmentNotFound } from './state';

export interface GraphEmulatorOptions {
  /** A directory object or the path of a directory JSON file. */
  directory: SeedDirectory | string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Defaults to the pair at .data/graph-emulator, which NODE_EXTRA_CA_CERTS must point at. */
  certificate?: EmulatorCertificate;
  tokenLifetimeSeconds?: number;
}

export interface RecordedRequest {
  seq: number;
  route: RouteName;
  method: string;
  /** Path without the query, e.g. `/v1.0/users/…/authentication/methods`. */
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Parsed JSON (or form fields for the token endpoint); undefined without a body. */
  body: unknown;
  /** Set once answered; undefined for dropped connections. */
  status: number | undefined;
  fault: FaultAction['kind'] | undefined;
  requestId: string;
}

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Route {
  method: string;
  pattern: RegExp;
  name: RouteName;
  keys: string[];
}

const USER = '([^/]+)';
const ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/,
    name: 'openidConfiguration',
    keys: ['tenant'],
  },
  { method: 'POST', pattern: /^\/([^/]+)\/oauth2\/v2\.0\/token$/, name: 'token', keys: ['tenant'] },
  { method: 'GET', pattern: new RegExp(`^/v1\\.0/users/${USER}$`), name: 'getUser', keys: ['user'] },
  {
    method: 'GET',
    pattern: new RegExp(`^/v1\\.0/users/${USER}/manager$`),
    name: 'getManager',
    keys: ['user'],
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/v1\\.0/users/${USER}/checkMemberGroups$`),
    name: 'checkMemberGroups',
    keys: ['user'],
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/v1\\.0/users/${USER}/transitiveMemberOf(/microsoft\\.graph\\.group)?$`),
    name: 'listTransitiveMemberOf',
    keys: ['user', 'cast'],
  },
  {
    method: 'GET',
    pattern: /^\/v1\.0\/roleManagement\/directory\/roleAssignments$/,
    name: 'listRoleAssignments',
    keys: [],
  },
  {
    method: 'GET',
    pattern: /^\/v1\.0\/roleManagement\/directory\/roleEligibilityScheduleInstances$/,
    name: 'listRoleEligibilityScheduleInstances',
    keys: [],
  },
  {
    method: 'GET',
    pattern: /^\/v1\.0\/identityGovernance\/privilegedAccess\/group\/eligibilityScheduleInstances$/,
    name: 'listPimGroupEligibilityScheduleInstances',
    keys: [],
  },
  {
    method: 'GET',
    pattern: /^\/v1\.0\/identityGovernance\/privilegedAccess\/group\/assignmentScheduleInstances$/,
    name: 'listPimGroupAssignmentScheduleInstances',
    keys: [],
  },
  { method: 'GET', pattern: /^\/v1\.0\/groups$/, name: 'listGroups', keys: [] },
  { method: 'GET', pattern: /^\/v1\.0\/groups\/([^/]+)$/, name: 'getGroup', keys: ['group'] },
  { method: 'GET', pattern: /^\/v1\.0\/groups\/([^/]+)\/owners$/, name: 'listGroupOwners', keys: ['group'] },
  {
    method: 'GET',
    pattern: new RegExp(`^/v1\\.0/users/${USER}/authentication/methods$`),
    name: 'listMethods',
    keys: ['user'],
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/v1\\.0/users/${USER}/authentication/(\\w+Methods)$`),
    name: 'listMethodCollection',
    keys: ['user', 'collection'],
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/v1\\.0/users/${USER}/authentication/phoneMethods$`),
    name: 'createPhoneMethod',
    keys: ['user'],
  },
  {
    method: 'PATCH',
    pattern: new RegExp(`^/v1\\.0/users/${USER}/authentication/phoneMethods/([^/]+)$`),
    name: 'updatePhoneMethod',
    keys: ['user', 'methodId'],
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/v1\\.0/users/${USER}/authentication/(\\w+Methods)/([^/]+)$`),
    name: 'deleteMethod',
    keys: ['user', 'collection', 'methodId'],
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/v1\\.0/users/${USER}/authentication/temporaryAccessPassMethods$`),
    name: 'createTemporaryAccessPass',
    keys: ['user'],
  },
  {
    method: 'GET',
    pattern:
      /^\/v1\.0\/policies\/authenticationMethodsPolicy\/authenticationMethodConfigurations\/TemporaryAccessPass$/i,
    name: 'getTemporaryAccessPassPolicy',
    keys: [],
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/v1\\.0/users/${USER}/revokeSignInSessions$`),
    name: 'revokeSignInSessions',
    keys: ['user'],
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/v1\\.0/users/${USER}/sendMail$`),
    name: 'sendMail',
    keys: ['user'],
  },
  { method: 'POST', pattern: /^\/v1\.0\/\$batch$/, name: 'batch', keys: [] },
];

/** Graph's limit on the requests of one JSON batch. */
export const BATCH_LIMIT = 20;

/** One request inside a `$batch` body, as Graph documents it (learn.microsoft.com/graph/json-batching). */
interface BatchedRequest {
  id: string;
  method: string;
  /** Relative to the version: `/users/{id}/memberOf?$select=id`. */
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
}

interface BatchedResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** Graph's answer to a request a `status` fault hits: its status, code and Retry-After. */
function statusFailure(fault: Extract<FaultAction, { kind: 'status' }>): GraphFailure {
  return new GraphFailure(
    fault.status,
    fault.code ?? (fault.status === 429 ? 'TooManyRequests' : 'serviceNotAvailable'),
    fault.message ??
      (fault.status === 429 ? 'Too many requests. Please try again later.' : 'Service unavailable.'),
    fault.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(fault.retryAfterSeconds) },
  );
}

/** A request of the batch asked for the connection to be dropped (the `drop` fault). */
class DropTheBatch extends Error {}

function batchedRequests(body: unknown): BatchedRequest[] | undefined {
  const requests = (body as { requests?: unknown } | undefined)?.requests;
  if (!Array.isArray(requests) || requests.length === 0 || requests.length > BATCH_LIMIT) return undefined;
  const ids = new Set<string>();
  for (const item of requests as unknown[]) {
    const r = item as Partial<BatchedRequest> | null;
    if (r === null || typeof r !== 'object') return undefined;
    if (typeof r.id !== 'string' || typeof r.method !== 'string' || typeof r.url !== 'string')
      return undefined;
    if (ids.has(r.id)) return undefined;
    ids.add(r.id);
  }
  return requests as BatchedRequest[];
}

const JSON_CONTENT_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

function matchRoute(method: string, path: string): { name: RouteName; params: Record<string, string> } {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match === null) continue;
    const params: Record<string, string> = {};
    route.keys.forEach((key, index) => {
      const value = match[index + 1];
      if (value !== undefined) params[key] = decodeURIComponent(value);
    });
    return { name: route.name, params };
  }
  return { name: 'unknown', params: {} };
}

function graphDate(): string {
  // innerError.date in Graph's answers has no fraction and no zone designator.
  return new Date().toISOString().slice(0, 19);
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

export class GraphEmulator {
  readonly faults = new FaultPlan();
  readonly requests: RecordedRequest[] = [];
  state: EmulatorState;
  private seq = 0;
  private readonly tokens = new Map<string, { expiresAt: number; clientId: string }>();
  private readonly server: Server;
  private address: AddressInfo | undefined;
  private readonly tokenLifetimeSeconds: number;

  constructor(private readonly options: GraphEmulatorOptions) {
    this.state = new EmulatorState(this.loadDirectory(options.directory));
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3599;
    const certificate = options.certificate ?? readEmulatorCertificate();
    this.server = createServer({ cert: certificate.cert, key: certificate.key }, (req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) {
          this.sendError(res, randomUUID(), new GraphFailure(500, 'generalException', String(error)));
        }
      });
    });
  }

  private loadDirectory(directory: SeedDirectory | string): SeedDirectory {
    return typeof directory === 'string' ? loadSeed(directory) : directory;
  }

  async listen(port = this.options.port ?? 0): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.address = this.server.address() as AddressInfo;
    return this;
  }

  /** `https://127.0.0.1:PORT` — the Graph base URL and the authority host alike. */
  get url(): string {
    if (this.address === undefined) throw new Error('Graph emulator is not listening');
    return `https://127.0.0.1:${this.address.port}`;
  }

  get tenantId(): string {
    return this.state.tenantId;
  }

  get sentMails(): readonly SentMail[] {
    return this.state.sentMails;
  }

  /** Requests to Graph itself, without the token and metadata calls; a batch counts as its requests. */
  graphRequests(): RecordedRequest[] {
    return this.requests.filter(
      (r) => r.route !== 'token' && r.route !== 'openidConfiguration' && r.route !== 'batch',
    );
  }

  requestsFor(route: RouteName): RecordedRequest[] {
    return this.requests.filter((r) => r.route === route);
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  /** Fresh state from the seed (or another one); issued tokens stay valid, requests are cleared. */
  reset(directory: SeedDirectory | string = this.options.directory): void {
    this.state = new EmulatorState(this.loadDirectory(directory));
    this.faults.clear();
    this.clearRequests();
  }

  /** Forget every issued token, so the next Graph call gets 401 as with a revoked token. */
  forgetTokens(): void {
    this.tokens.clear();
  }

  inject(route: FaultRule['route'], action: FaultAction, options: Omit<FaultRule, 'route' | 'action'> = {}) {
    return this.faults.inject({ route, action, ...options });
  }

  /** Holds every matching request until `gate.open()`. */
  gate(route: FaultRule['route'], options: Omit<FaultRule, 'route' | 'action'> = {}): Gate {
    const gate = new Gate();
    this.faults.inject({ route, action: { kind: 'gate', gate }, ...options });
    return gate;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // --- request handling --------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    const method = (req.method ?? 'GET').toUpperCase();
    const { name, params } = matchRoute(method, url.pathname);
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) {
      headers[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : (value ?? '');
    }
    const record = this.record(
      name,
      params,
      method,
      url,
      headers,
      this.parseBody(rawBody, headers['content-type']),
    );
    const requestId = record.requestId;

    const isIdentity = name === 'token' || name === 'openidConfiguration';
    if (!isIdentity && url.pathname.startsWith('/v1.0/') && !this.authorized(headers.authorization)) {
      const failure = new GraphFailure(
        401,
        'InvalidAuthenticationToken',
        headers.authorization === undefined ? 'Access token is empty.' : 'Access token validation failure.',
        {
          'WWW-Authenticate':
            'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"',
        },
      );
      record.status = this.sendError(res, requestId, failure, headers['client-request-id']);
      return;
    }

    const fault = this.faults.take(name, { method, path: url.pathname, params });
    record.fault = fault?.kind;

    if (fault?.kind === 'status') {
      record.status = this.sendError(res, requestId, statusFailure(fault), headers['client-request-id']);
      return;
    }
    if (fault?.kind === 'drop' && fault.afterProcessing !== true) {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'delay') {
      // Unref'd: a delayed answer must not keep a test process alive after the emulator closed.
      await new Promise((resolve) => setTimeout(resolve, fault.ms).unref());
    }
    if (fault?.kind === 'gate') await fault.gate.pass();
    if (req.socket.destroyed) return;
    if (name === 'batch') {
      await this.handleBatch(req, res, record, headers, fault?.kind === 'drop');
      return;
    }

    let answer: Answer;
    try {
      answer = this.dispatch(name, params, url, record.body, rawBody, headers);
    } catch (error) {
      if (fault?.kind === 'drop') {
        req.socket.destroy();
        return;
      }
      if (!(error instanceof GraphFailure)) throw error;
      record.status = this.sendError(res, requestId, error, headers['client-request-id']);
      return;
    }
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    record.status = answer.status;
    this.send(res, requestId, answer, headers['client-request-id']);
  }

  /**
   * `POST /v1.0/$batch`: each request is recorded, faulted and answered as if it had come alone
   * (with the envelope's token), all of them at once, and the answers come back together, as Graph
   * does it. A `drop` fault on any of them drops the envelope's connection.
   */
  private async handleBatch(
    req: IncomingMessage,
    res: ServerResponse,
    record: RecordedRequest,
    headers: Record<string, string>,
    /** A `drop` fault with `afterProcessing` on the envelope: its requests run, its answer is lost. */
    dropAnswer: boolean,
  ): Promise<void> {
    const requests = batchedRequests(record.body);
    if (requests === undefined) {
      const failure = new GraphFailure(
        400,
        'BadRequest',
        `A batch holds 1 to ${BATCH_LIMIT} requests, each with a unique id, a method and a url.`,
      );
      record.status = this.sendError(res, record.requestId, failure, headers['client-request-id']);
      return;
    }
    const { 'content-length': _length, 'content-type': _type, ...shared } = headers;
    let responses: BatchedResponse[];
    try {
      responses = await Promise.all(requests.map((inner) => this.answerBatched(inner, shared, req)));
    } catch (error) {
      if (!(error instanceof DropTheBatch)) throw error;
      req.socket.destroy();
      return;
    }
    if (dropAnswer) req.socket.destroy();
    if (req.socket.destroyed) return;
    record.status = 200;
    this.send(res, record.requestId, { status: 200, body: { responses } }, headers['client-request-id']);
  }

  private async answerBatched(
    inner: BatchedRequest,
    shared: Record<string, string>,
    req: IncomingMessage,
  ): Promise<BatchedResponse> {
    const url = new URL(`/v1.0${inner.url.startsWith('/') ? '' : '/'}${inner.url}`, this.url);
    const method = inner.method.toUpperCase();
    const { name, params } = matchRoute(method, url.pathname);
    const headers = { ...shared };
    for (const [key, value] of Object.entries(inner.headers ?? {})) headers[key.toLowerCase()] = value;
    const record = this.record(name, params, method, url, headers, inner.body);
    const requestId = record.requestId;
    const answered = (answer: Answer): BatchedResponse => {
      record.status = answer.status;
      return {
        id: inner.id,
        status: answer.status,
        headers: { 'request-id': requestId, ...answer.headers },
        ...(answer.body === undefined ? {} : { body: answer.body }),
      };
    };
    const failed = (failure: GraphFailure): BatchedResponse =>
      answered({
        status: failure.status,
        headers: failure.headers,
        body: this.errorBody(failure, requestId, headers['client-request-id']),
      });
    if (name === 'batch' || name === 'token' || name === 'openidConfiguration') {
      return failed(new GraphFailure(400, 'BadRequest', 'This request cannot be part of a batch.'));
    }
    const fault = this.faults.take(name, { method, path: url.pathname, params });
    record.fault = fault?.kind;
    if (fault?.kind === 'status') return failed(statusFailure(fault));
    if (fault?.kind === 'drop' && fault.afterProcessing !== true) throw new DropTheBatch();
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms).unref());
    if (fault?.kind === 'gate') await fault.gate.pass();
    if (req.socket.destroyed)
      return failed(new GraphFailure(499, 'ClientClosed', 'The batch was abandoned.'));
    const rawBody = inner.body === undefined ? '' : JSON.stringify(inner.body);
    let answer: Answer;
    try {
      answer = this.dispatch(name, params, url, inner.body, rawBody, headers);
    } catch (error) {
      if (fault?.kind === 'drop') throw new DropTheBatch();
      if (!(error instanceof GraphFailure)) throw error;
      return failed(error);
    }
    if (fault?.kind === 'drop') throw new DropTheBatch();
    return answered(answer);
  }

  /** A request as the log keeps it, added to the log (its status is set once answered). */
  private record(
    route: RouteName,
    params: Record<string, string>,
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: unknown,
  ): RecordedRequest {
    const record: RecordedRequest = {
      seq: ++this.seq,
      route,
      method,
      path: url.pathname,
      params,
      query: Object.fromEntries(url.searchParams.entries()),
      headers,
      body,
      status: undefined,
      fault: undefined,
      requestId: randomUUID(),
    };
    this.requests.push(record);
    return record;
  }

  private parseBody(rawBody: string, contentType: string | undefined): unknown {
    if (rawBody === '') return undefined;
    if (contentType?.includes('application/x-www-form-urlencoded') === true) {
      return Object.fromEntries(new URLSearchParams(rawBody).entries());
    }
    try {
      return JSON.parse(rawBody) as unknown;
    } catch {
      return rawBody;
    }
  }

  private authorized(authorization: string | undefined): boolean {
    const match = /^Bearer (.+)$/.exec(authorization ?? '');
    if (match === null) return false;
    const token = this.tokens.get(match[1]);
    return token !== undefined && token.expiresAt > Date.now();
  }

  private send(
    res: ServerResponse,
    requestId: string,
    answer: Answer,
    clientRequestId: string | undefined,
  ): void {
    const headers: Record<string, string> = {
      'request-id': requestId,
      'client-request-id': clientRequestId ?? requestId,
      ...answer.headers,
    };
    // Never chain writeHead(...).end(): restify, loaded in the same process by the bot and its tests,
    // replaces ServerResponse.prototype.writeHead with one that returns undefined.
    if (answer.body === undefined) {
      res.writeHead(answer.status, headers);
      res.end();
      return;
    }
    const payload = JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      'Content-Type': headers['Content-Type'] ?? JSON_CONTENT_TYPE,
      'Content-Length': Buffer.byteLength(payload),
      ...headers,
    });
    res.end(payload);
  }

  private sendError(
    res: ServerResponse,
    requestId: string,
    failure: GraphFailure,
    clientRequestId?: string,
  ): number {
    this.send(
      res,
      requestId,
      {
        status: failure.status,
        headers: failure.headers,
        body: this.errorBody(failure, requestId, clientRequestId),
      },
      clientRequestId,
    );
    return failure.status;
  }

  private errorBody(failure: GraphFailure, requestId: string, clientRequestId: string | undefined): unknown {
    return {
      error: {
        code: failure.code,
        message: failure.message,
        innerError: {
          date: graphDate(),
          'request-id': requestId,
          'client-request-id': clientRequestId ?? requestId,
        },
      },
    };
  }

  private context(fragment: string): string {
    return `${this.url}/v1.0/$metadata#${fragment}`;
  }

  private select(url: URL): string[] | undefined {
    const select = url.searchParams.get('$select');
    return select === null
      ? undefined
      : select
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
  }

  private expandList(url: URL): string[] {
    const expand = url.searchParams.get('$expand');
    return expand === null ? [] : expand.split(',').map((s) => s.trim());
  }

  private dispatch(
    route: RouteName,
    params: Record<string, string>,
    url: URL,
    body: unknown,
    rawBody: string,
    headers: Record<string, string>,
  ): Answer {
    const user = params.user ?? '';
    const state = this.state;
    switch (route) {
      case 'openidConfiguration':
        return this.openidConfiguration(params.tenant ?? '');
      case 'token':
        return this.token(params.tenant ?? '', body);
      case 'getUser': {
        const select = this.select(url);
        const context = select === undefined ? 'users/$entity' : `users(${select.join(',')})/$entity`;
        return {
          status: 200,
          body: { '@odata.context': this.context(context), ...state.getUser(user, select) },
        };
      }
      case 'getManager':
        return {
          status: 200,
          body: {
            '@odata.context': this.context('directoryObjects/$entity'),
            ...state.getManager(user, this.select(url)),
          },
        };
      case 'checkMemberGroups':
        return {
          status: 200,
          body: {
            '@odata.context': this.context('Collection(Edm.String)'),
            value: state.checkMemberGroups(user, (body as { groupIds?: unknown } | undefined)?.groupIds),
          },
        };
      case 'listTransitiveMemberOf':
        return this.transitiveMemberOf(user, params.cast !== undefined, url, headers);
      case 'listRoleAssignments':
        return {
          status: 200,
          body: {
            '@odata.context': this.context('roleManagement/directory/roleAssignments'),
            value: state.listRoleAssignments(
              parseFilter(url.searchParams.get('$filter') ?? undefined, ['principalId', 'roleDefinitionId']),
              this.expandList(url),
            ),
          },
        };
      case 'listRoleEligibilityScheduleInstances':
        return {
          status: 200,
          body: {
            '@odata.context': this.context('roleManagement/directory/roleEligibilityScheduleInstances'),
            value: state.listRoleEligibilityScheduleInstances(
              parseFilter(url.searchParams.get('$filter') ?? undefined, ['principalId', 'roleDefinitionId']),
              this.expandList(url),
            ),
          },
        };
      case 'listPimGroupEligibilityScheduleInstances':
      case 'listPimGroupAssignmentScheduleInstances': {
        const kind = route === 'listPimGroupEligibilityScheduleInstances' ? 'eligibility' : 'assignment';
        return {
          status: 200,
          body: {
            '@odata.context': this.context(
              `identityGovernance/privilegedAccess/group/${kind}ScheduleInstances`,
            ),
            value: state.listPimGroupInstances(
              kind,
              parseFilter(url.searchParams.get('$filter') ?? undefined, [
                'principalId',
                'groupId',
                'accessId',
              ]),
            ),
          },
        };
      }
      case 'listGroups':
        return this.listGroups(url);
      case 'getGroup': {
        const select = this.select(url);
        return {
          status: 200,
          body: {
            '@odata.context': this.context('groups/$entity'),
            ...state.getGroup(params.group ?? '', select),
          },
        };
      }
      case 'listGroupOwners':
        return {
          status: 200,
          body: {
            '@odata.context': this.context('directoryObjects'),
            value: state.groupOwners(params.group ?? ''),
          },
        };
      case 'listMethods':
        return {
          status: 200,
          body: {
            '@odata.context': this.context(`users('${user}')/authentication/methods`),
            value: state.listMethods(user),
          },
        };
      case 'listMethodCollection': {
        const collection = params.collection ?? '';
        return {
          status: 200,
          body: {
            '@odata.context': this.context(`users('${user}')/authentication/${collection}`),
            value: state.listCollection(user, collection),
          },
        };
      }
      case 'createPhoneMethod':
        return {
          status: 201,
          body: {
            '@odata.context': this.context(`users('${user}')/authentication/phoneMethods/$entity`),
            ...state.createPhoneMethod(user, body),
          },
        };
      case 'updatePhoneMethod':
        state.updatePhoneMethod(user, params.methodId ?? '', body);
        return { status: 204 };
      case 'deleteMethod':
        state.deleteMethod(user, params.collection ?? '', params.methodId ?? '');
        return { status: 204 };
      case 'createTemporaryAccessPass':
        return {
          status: 201,
          body: {
            '@odata.context': this.context(
              `users('${user}')/authentication/temporaryAccessPassMethods/$entity`,
            ),
            ...state.createTemporaryAccessPass(user, body),
          },
        };
      case 'getTemporaryAccessPassPolicy':
        return {
          status: 200,
          body: {
            '@odata.context': this.context(
              'policies/authenticationMethodsPolicy/authenticationMethodConfigurations/$entity',
            ),
            ...state.tapPolicyJson(),
          },
        };
      case 'revokeSignInSessions':
        state.revokeSignInSessions(user);
        return { status: 200, body: { '@odata.context': this.context('Edm.Boolean'), value: true } };
      case 'sendMail':
        if (rawBody !== '' && typeof body === 'string') {
          throw new GraphFailure(
            400,
            'ErrorMimeContentInvalidBase64String',
            'Invalid base64 string for MIME content.',
          );
        }
        state.sendMail(user, body);
        return { status: 202 };
      case 'batch':
        // Answered by handleBatch, before dispatch; a batch inside a batch is refused there.
        throw new GraphFailure(400, 'BadRequest', 'A batch cannot be dispatched as one request.');
      case 'unknown':
        throw this.unknownRoute(url);
    }
  }

  private unknownRoute(url: URL): GraphFailure {
    if (/^\/v1\.0\/me(\/|$)/.test(url.pathname)) {
      // App-only tokens cannot use /me.
      return new GraphFailure(
        400,
        'BadRequest',
        '/me request is only valid with delegated authentication flow.',
      );
    }
    const segment =
      url.pathname
        .split('/')
        .filter((s) => s !== '')
        .pop() ?? '';
    return segmentNotFound(segment);
  }

  private transitiveMemberOf(
    user: string,
    groupsOnly: boolean,
    url: URL,
    headers: Record<string, string>,
  ): Answer {
    for (const option of ['$filter', '$search', '$orderby']) {
      if (url.searchParams.has(option)) {
        // Advanced queries need ConsistencyLevel: eventual and $count; the emulator implements none
        // of them, so it refuses instead of pretending to filter.
        const hint =
          headers.consistencylevel === 'eventual'
            ? 'not supported by the emulator'
            : 'requires ConsistencyLevel: eventual';
        throw new GraphFailure(400, 'Request_UnsupportedQuery', `Unsupported Query: ${option} ${hint}.`);
      }
    }
    let items = this.state.transitiveMemberOf(user);
    if (groupsOnly) items = items.filter((i) => i['@odata.type'] === '#microsoft.graph.group');
    const select = this.select(url);
    if (select !== undefined) {
      items = items.map((item) => {
        const out: Record<string, unknown> = { '@odata.type': item['@odata.type'] };
        for (const key of select) out[key] = item[key] ?? null;
        return out;
      });
    }
    const top = Math.min(Number(url.searchParams.get('$top') ?? 100), 999);
    const skip = Number(Buffer.from(url.searchParams.get('$skiptoken') ?? 'MA', 'base64url').toString() || 0);
    const page = items.slice(skip, skip + top);
    const responseBody: Record<string, unknown> = {
      '@odata.context': this.context(groupsOnly ? 'groups' : 'directoryObjects'),
      value: page,
    };
    if (skip + top < items.length) {
      const next = new URL(url.toString());
      next.searchParams.set('$top', String(top));
      next.searchParams.set('$skiptoken', base64url(String(skip + top)));
      responseBody['@odata.nextLink'] = next.toString();
    }
    return { status: 200, body: responseBody };
  }

  /**
   * group-list.md, for the one query the bot makes: the role-assignable groups, optionally with
   * `$expand=owners` (a nested `$select` is accepted; the emulator's owners carry only their id).
   */
  private listGroups(url: URL): Answer {
    const filter = url.searchParams.get('$filter');
    let assignable: boolean | undefined;
    if (filter !== null) {
      const match = /^\s*isAssignableToRole\s+eq\s+(true|false)\s*$/i.exec(filter);
      if (match === null)
        throw new GraphFailure(400, 'Request_UnsupportedQuery', `Unsupported Query: ${filter}`);
      assignable = match[1].toLowerCase() === 'true';
    }
    const expand = url.searchParams.get('$expand');
    if (expand !== null && !/^owners(\(\$select=[\w,]+\))?$/.test(expand)) {
      throw badRequestFailure(`Could not find a property named '${expand}'.`);
    }
    return {
      status: 200,
      body: {
        '@odata.context': this.context('groups'),
        value: this.state.listGroups(assignable, this.select(url), expand !== null),
      },
    };
  }

  private openidConfiguration(tenant: string): Answer {
    if (tenant.toLowerCase() !== this.tenantId.toLowerCase()) return this.tenantNotFound(tenant);
    const base = `${this.url}/${this.tenantId}`;
    return {
      status: 200,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: [
          'client_secret_post',
          'private_key_jwt',
          'client_secret_basic',
        ],
        jwks_uri: `${this.url}/${this.tenantId}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${base}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: `${this.url}/oidc/userinfo`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'tid'],
        tenant_region_scope: 'AS',
        cloud_instance_name: 'microsoftonline.com',
        cloud_graph_host_name: 'graph.windows.net',
        msgraph_host: 'graph.microsoft.com',
      },
    };
  }

  private tenantNotFound(tenant: string): Answer {
    return {
      status: 400,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: {
        error: 'invalid_request',
        error_description: `AADSTS90002: Tenant '${tenant}' not found.`,
        error_codes: [90002],
        timestamp: new Date().toISOString(),
      },
    };
  }

  /** The client-credentials grant, with a secret or a certificate assertion. */
  private token(tenant: string, body: unknown): Answer {
    if (tenant.toLowerCase() !== this.tenantId.toLowerCase()) return this.tenantNotFound(tenant);
    const form = (typeof body === 'object' && body !== null ? body : {}) as Record<string, string>;
    const oauthError = (status: number, error: string, description: string, code: number): Answer => ({
      status,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: {
        error,
        error_description: description,
        error_codes: [code],
        timestamp: new Date().toISOString(),
      },
    });
    if (form.grant_type !== 'client_credentials') {
      return oauthError(
        400,
        'unsupported_grant_type',
        'AADSTS70003: The app requested an unsupported grant type.',
        70003,
      );
    }
    const clientId = form.client_id;
    if (clientId === undefined || clientId === '') {
      return oauthError(
        400,
        'invalid_request',
        "AADSTS900144: The request body must contain the parameter: 'client_id'.",
        900144,
      );
    }
    const hasSecret = typeof form.client_secret === 'string' && form.client_secret !== '';
    const hasAssertion =
      form.client_assertion_type === 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' &&
      typeof form.client_assertion === 'string' &&
      form.client_assertion.split('.').length === 3;
    if (!hasSecret && !hasAssertion) {
      return oauthError(
        401,
        'invalid_client',
        "AADSTS7000216: 'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
        7000216,
      );
    }
    const clients = this.state.clients;
    if (clients !== undefined) {
      const known = clients.find((c) => c.clientId === clientId);
      if (known === undefined) {
        return oauthError(
          400,
          'unauthorized_client',
          `AADSTS700016: Application with identifier '${clientId}' was not found.`,
          700016,
        );
      }
      if (hasSecret && known.clientSecret !== form.client_secret) {
        return oauthError(401, 'invalid_client', 'AADSTS7000215: Invalid client secret provided.', 7000215);
      }
    }
    const now = Math.floor(Date.now() / 1000);
    const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'none' }));
    const payload = base64url(
      JSON.stringify({
        aud: 'https://graph.microsoft.com',
        iss: `${this.url}/${this.tenantId}/`,
        iat: now,
        nbf: now,
        exp: now + this.tokenLifetimeSeconds,
        appid: clientId,
        tid: this.tenantId,
        roles: ['User.Read.All', 'UserAuthenticationMethod.ReadWrite.All'],
      }),
    );
    const accessToken = `${header}.${payload}.${base64url(randomBytes(32))}`;
    this.tokens.set(accessToken, { expiresAt: Date.now() + this.tokenLifetimeSeconds * 1000, clientId });
    return {
      status: 200,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: {
        token_type: 'Bearer',
        expires_in: this.tokenLifetimeSeconds,
        ext_expires_in: this.tokenLifetimeSeconds,
        access_token: accessToken,
      },
    };
  }
}

function badRequestFailure(message: string): GraphFailure {
  return new GraphFailure(400, 'BadRequest', message);
}

export async function startGraphEmulator(options: GraphEmulatorOptions): Promise<GraphEmulator> {
  return new GraphEmulator(options).listen();
}
