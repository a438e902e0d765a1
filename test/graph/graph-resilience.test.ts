/**
 * How the adapter behaves when Graph has a bad day: throttling, outages, slowness, dropped
 * connections, refused tokens. Real Graph client, real credentials, real HTTPS, faults injected
 * by the emulator.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import selfsigned from 'selfsigned';
import type { Directory } from '../../src/ports/directory';
import { isAppError } from '../../src/errors';
import type { GraphEmulator } from '../../tools/graph-emulator';
import { HANAKO, calls, demoSeed, directoryFor, startEmulator } from './graph-test-kit';

async function appError(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('GraphDirectory under faults', () => {
  let emulator: GraphEmulator;
  let directory: Directory;

  beforeAll(async () => {
    emulator = await startEmulator();
    directory = directoryFor(emulator);
  });

  afterAll(async () => {
    await emulator.close();
  });

  beforeEach(() => {
    emulator.reset();
  });

  describe('retries', () => {
    it('waits out a 429 for its Retry-After and then succeeds', async () => {
      emulator.inject('getUser', { kind: 'status', status: 429, retryAfterSeconds: 1 }, { times: 1 });
      const started = Date.now();
      await expect(directory.getUser(HANAKO)).resolves.toMatchObject({ id: HANAKO });
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      const requests = emulator.requestsFor('getUser');
      expect(requests.map((r) => r.status)).toEqual([429, 200]);
      expect(requests[1]?.headers['retry-attempt']).toBe('1');
    });

    it.each([503, 504])('retries a %i and succeeds', async (status) => {
      emulator.inject('listMethods', { kind: 'status', status, retryAfterSeconds: 1 }, { times: 1 });
      await expect(directory.listMethods(HANAKO)).resolves.toHaveLength(3);
      expect(emulator.requestsFor('listMethods').map((r) => r.status)).toEqual([status, 200]);
    });

    it('retries other writes (revoking sessions is idempotent)', async () => {
      emulator.inject(
        'revokeSignInSessions',
        { kind: 'status', status: 429, retryAfterSeconds: 1 },
        { times: 1 },
      );
      const result = await directory.revokeSignInSessions(HANAKO);
      const requests = emulator.requestsFor('revokeSignInSessions');
      expect(requests.map((r) => r.status)).toEqual([429, 200]);
      expect(result.requestId).toBe(requests[1]?.requestId);
    });

    it('gives up THROTTLED with the last request-id once the retries are used up', async () => {
      emulator.inject('getUser', { kind: 'status', status: 429, retryAfterSeconds: 0 });
      const error = await appError(directory.getUser(HANAKO));
      expect(error.code).toBe('THROTTLED');
      const requests = emulator.requestsFor('getUser');
      expect(requests).toHaveLength(4);
      expect(error.requestId).toBe(requests[3]?.requestId);
    });

    it('does not wait for a Retry-After beyond the cap', async () => {
      emulator.inject('getUser', { kind: 'status', status: 429, retryAfterSeconds: 120 });
      const started = Date.now();
      const error = await appError(directory.getUser(HANAKO));
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(error.code).toBe('THROTTLED');
      expect(error.details).toContain('retry after 120s');
      expect(emulator.requestsFor('getUser')).toHaveLength(1);
    });

    it('reports a persistent outage as UNAVAILABLE', async () => {
      emulator.inject('getUser', { kind: 'status', status: 503, retryAfterSeconds: 0 });
      expect((await appError(directory.getUser(HANAKO))).code).toBe('UNAVAILABLE');
      expect(emulator.requestsFor('getUser')).toHaveLength(4);
    });
  });

  describe('the Temporary Access Pass is created at most once', () => {
    it('a throttled create yields one THROTTLED error and exactly one POST', async () => {
      emulator.inject('createTemporaryAccessPass', { kind: 'status', status: 429, retryAfterSeconds: 1 });
      const error = await appError(directory.createTemporaryAccessPass(HANAKO, { lifetimeInMinutes: 60 }));
      expect(error.code).toBe('THROTTLED');
      // Longer than the Retry-After, so a late second attempt would have shown up.
      await sleep(1_500);
      const posts = emulator.requestsFor('createTemporaryAccessPass');
      expect(posts).toHaveLength(1);
      expect(error.requestId).toBe(posts[0]?.requestId);
      expect(posts[0]?.headers['retry-attempt']).toBeUndefined();
      expect(
        emulator.state.methodsOf(HANAKO).some((m) => m['@odata.type']?.includes('temporaryAccessPass')),
      ).toBe(false);
    });

    it.each([
      [503, 'UNAVAILABLE'],
      [504, 'TIMEOUT'],
    ] as const)('a %i yields %s and exactly one POST', async (status, code) => {
      emulator.inject('createTemporaryAccessPass', { kind: 'status', status, retryAfterSeconds: 0 });
      expect(
        (await appError(directory.createTemporaryAccessPass(HANAKO, { lifetimeInMinutes: 60 }))).code,
      ).toBe(code);
      expect(emulator.requestsFor('createTemporaryAccessPass')).toHaveLength(1);
    });

    it('a lost answer yields UNAVAILABLE and no second POST, even though Graph made the pass', async () => {
      emulator.inject('createTemporaryAccessPass', { kind: 'drop', afterProcessing: true });
      expect(
        (await appError(directory.createTemporaryAccessPass(HANAKO, { lifetimeInMinutes: 60 }))).code,
      ).toBe('UNAVAILABLE');
      expect(emulator.requestsFor('createTemporaryAccessPass')).toHaveLength(1);
      expect(
        emulator.state.methodsOf(HANAKO).filter((m) => m['@odata.type']?.includes('temporaryAccessPass')),
      ).toHaveLength(1);
    });

    it('a slow create yields TIMEOUT and exactly one POST', async () => {
      const impatient = directoryFor(emulator, { timeoutMs: 1_000 });
      await impatient.listMethods(HANAKO); // token first, so the deadline below is the POST's own
      emulator.inject('createTemporaryAccessPass', { kind: 'delay', ms: 2_500 });
      expect(
        (await appError(impatient.createTemporaryAccessPass(HANAKO, { lifetimeInMinutes: 60 }))).code,
      ).toBe('TIMEOUT');
      await sleep(500);
      expect(emulator.requestsFor('createTemporaryAccessPass')).toHaveLength(1);
    });
  });

  describe('timeouts and connections', () => {
    it('times out a slow answer', async () => {
      const impatient = directoryFor(emulator, { timeoutMs: 1_000 });
      await impatient.getUser(HANAKO); // token first, so only the Graph call is timed below
      emulator.inject('getUser', { kind: 'delay', ms: 3_000 });
      const started = Date.now();
      const error = await appError(impatient.getUser(HANAKO));
      expect(error.code).toBe('TIMEOUT');
      expect(Date.now() - started).toBeLessThan(2_500);
    });

    it('holds a call at a gate until the test opens it, and times it out if it is held too long', async () => {
      const gate = emulator.gate('getUser');
      let done = false;
      const pending = directory.getUser(HANAKO).then((user) => {
        done = true;
        return user;
      });
      await gate.whenHolding(1);
      await sleep(100);
      expect(done).toBe(false);
      gate.open();
      await expect(pending).resolves.toMatchObject({ id: HANAKO });

      emulator.reset();
      const impatient = directoryFor(emulator, { timeoutMs: 1_000 });
      await impatient.listMethods(HANAKO);
      emulator.gate('getUser');
      expect((await appError(impatient.getUser(HANAKO))).code).toBe('TIMEOUT');
      expect(emulator.requestsFor('getUser')).toHaveLength(1);
    });

    it('reports a dropped connection as UNAVAILABLE without retrying it', async () => {
      emulator.inject('getUser', { kind: 'drop' });
      expect((await appError(directory.getUser(HANAKO))).code).toBe('UNAVAILABLE');
      expect(emulator.requestsFor('getUser')).toHaveLength(1);
    });

    it('reports an unreachable Graph as UNAVAILABLE', async () => {
      const nowhere = directoryFor(emulator, { graphBaseUrl: 'https://127.0.0.1:1' });
      expect((await appError(nowhere.getUser(HANAKO))).code).toBe('UNAVAILABLE');
    });

    it('stops deleting at a transient failure and reports what is left', async () => {
      emulator.inject('deleteMethod', { kind: 'status', status: 429, retryAfterSeconds: 0 });
      const result = await directory.deleteMethods(HANAKO, ['mobile', 'alternateMobile']);
      expect(result.stoppedEarly).toBe(true);
      expect(result.removed).toEqual([]);
      expect(result.attempts).toEqual([
        expect.objectContaining({ methodType: 'alternateMobile', outcome: 'failed', errorCode: 'THROTTLED' }),
      ]);
      expect(result.failed.map((f) => [f.type, f.errorCode])).toEqual([
        ['alternateMobile', 'THROTTLED'],
        ['mobile', 'THROTTLED'],
      ]);
      // One DELETE plus its three automatic retries; the mobile was never tried.
      expect(emulator.requestsFor('deleteMethod').map((r) => r.params.methodId)).toEqual(
        Array(4).fill('b6332ec1-7057-4abe-9331-3d72feddfe41'),
      );
    });
  });

  describe('credentials', () => {
    it('reports a token Graph no longer accepts as FORBIDDEN', async () => {
      await directory.getUser(HANAKO);
      emulator.forgetTokens();
      const error = await appError(directory.getUser(HANAKO));
      expect(error.code).toBe('FORBIDDEN');
      expect(emulator.requestsFor('getUser').at(-1)?.status).toBe(401);
    });

    it('reports a refused client secret as FORBIDDEN without calling Graph', async () => {
      emulator.reset({
        ...demoSeed(),
        clients: [{ clientId: 'helpdesk-bot', clientSecret: 'the-real-one' }],
      });
      const error = await appError(directoryFor(emulator).getUser(HANAKO));
      expect(error.code).toBe('FORBIDDEN');
      expect(calls(emulator)).toEqual([]);
    });

    it('times out a token endpoint that does not answer', async () => {
      emulator.inject('token', { kind: 'delay', ms: 1_500 });
      const error = await appError(directoryFor(emulator, { timeoutMs: 300 }).getUser(HANAKO));
      expect(error.code).toBe('TIMEOUT');
      expect(calls(emulator)).toEqual([]);
      // Let the abandoned token request finish rather than leave it retrying after teardown.
      await sleep(1_500);
    });

    it('authenticates with a client certificate (ClientCertificateCredential)', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'graph-client-cert-'));
      try {
        const pems = await selfsigned.generate([{ name: 'commonName', value: 'helpdesk-bot' }], {
          keySize: 2048,
          algorithm: 'sha256',
        });
        const certificatePath = path.join(dir, 'client.pem');
        writeFileSync(certificatePath, `${pems.private}\n${pems.cert}`);
        const withCertificate = directoryFor(emulator, {
          credential: {
            kind: 'clientCertificate',
            tenantId: emulator.tenantId,
            clientId: 'helpdesk-bot',
            certificatePath,
          },
        });
        await expect(withCertificate.getUser(HANAKO)).resolves.toMatchObject({ id: HANAKO });
        const token = emulator.requestsFor('token').at(-1);
        expect(token?.body).toMatchObject({
          client_id: 'helpdesk-bot',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        });
        expect(token?.body).not.toHaveProperty('client_secret');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
