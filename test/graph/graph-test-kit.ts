/** Shared set-up for tests that run the real Graph adapter against the emulator over HTTPS. */
import path from 'node:path';
import type { GraphDirectoryOptions } from '../../src/adapters/graph/graph-directory';
import { createGraphDirectory } from '../../src/adapters/graph/graph-directory';
import type { Directory } from '../../src/ports/directory';
import type { GraphEmulator, RecordedRequest, SeedDirectory } from '../../tools/graph-emulator';
import { CERT_PATH, DEMO_DIRECTORY_PATH, loadSeed, startGraphEmulator } from '../../tools/graph-emulator';

export const TENANT = '9a3b5c7d-1e2f-4a6b-8c9d-0e1f2a3b4c5d';
export const HANAKO = '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a01';
export const MISAKI = '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a02';
export const MAKOTO = '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a03';
export const OLIVIA = '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a04';
export const KEN = '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a05';
export const EMILY = '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a06';
export const ICHIRO = '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a07';
export const NAOKO = '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a08';
export const APPROVERS = '0b7e2f11-5c3a-4d2b-8e6f-1a2b3c4d5e01';
export const REVIEWERS = '0b7e2f11-5c3a-4d2b-8e6f-1a2b3c4d5e02';
export const AUDIT_ROLE_GROUP = '0b7e2f11-5c3a-4d2b-8e6f-1a2b3c4d5e03';
export const PIM_ADMIN_GROUP = '0b7e2f11-5c3a-4d2b-8e6f-1a2b3c4d5e05';
export const SHOTA = '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a09';
export const YOKO = '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a10';
export const MEGUMI = '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a13';
export const SAKURA = '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a14';
export const SENDER_MAILBOX = 'mfa-helpdesk@contoso.onmicrosoft.com';
export const MOBILE_ID = '3179e48a-750b-4051-897c-87b9720928f7';
export const ALTERNATE_MOBILE_ID = 'b6332ec1-7057-4abe-9331-3d72feddfe41';
export const UNKNOWN_USER = '00000000-0000-4000-8000-000000000404';

export function demoSeed(): SeedDirectory {
  return loadSeed(DEMO_DIRECTORY_PATH);
}

export function requireTrustedCertificate(): void {
  const configured = process.env.NODE_EXTRA_CA_CERTS;
  if (configured === undefined || path.resolve(configured) !== CERT_PATH) {
    throw new Error(
      'These tests talk to the Graph emulator over real HTTPS. Run them with ' +
        '`npm run graph:cert && NODE_EXTRA_CA_CERTS=.data/graph-emulator/cert.pem npx jest test/graph`.',
    );
  }
}

export async function startEmulator(
  directory: SeedDirectory | string = DEMO_DIRECTORY_PATH,
): Promise<GraphEmulator> {
  requireTrustedCertificate();
  return startGraphEmulator({ directory });
}

export function directoryFor(
  emulator: GraphEmulator,
  overrides: Partial<GraphDirectoryOptions> = {},
): Directory {
  return createGraphDirectory({
    graphBaseUrl: emulator.url,
    authorityHost: emulator.url,
    credential: {
      kind: 'clientSecret',
      tenantId: emulator.tenantId,
      clientId: 'helpdesk-bot',
      clientSecret: 's3cret',
    },
    timeoutMs: 5_000,
    maxRetries: 3,
    maxRetryAfterSeconds: 5,
    ...overrides,
  });
}

/** `METHOD /path?query` for the Graph calls only (not the token endpoint), in order. */
export function calls(emulator: GraphEmulator): string[] {
  return emulator.graphRequests().map(describe);
}

export function describe(request: RecordedRequest): string {
  const query = new URLSearchParams(request.query).toString();
  return `${request.method} ${request.path}${query === '' ? '' : `?${decodeURIComponent(query.replace(/\+/g, ' '))}`}`;
}

/** A token for raw calls to the emulator, obtained the way any client would. */
export async function rawToken(emulator: GraphEmulator): Promise<string> {
  const response = await fetch(`${emulator.url}/${emulator.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: 'raw-test',
      client_secret: 'raw-secret',
      scope: 'https://graph.microsoft.com/.default',
    }),
  });
  const body = (await response.json()) as { access_token: string };
  return body.access_token;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function rawCall(
  emulator: GraphEmulator,
  token: string | undefined,
  method: string,
  pathAndQuery: string,
  body?: unknown,
): Promise<RawResponse> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${emulator.url}${pathAndQuery}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : JSON.parse(text),
  };
}
