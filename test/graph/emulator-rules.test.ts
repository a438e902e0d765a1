/**
 * The rules the Graph reference states, enforced by the emulator, checked over raw HTTPS so the
 * adapter's own behaviour cannot mask an emulator that is too lenient.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { GraphEmulator } from '../../tools/graph-emulator';
import { PASSWORD_METHOD_ID, ensureEmulatorCertificate, validateSeed } from '../../tools/graph-emulator';
import {
  ALTERNATE_MOBILE_ID,
  APPROVERS,
  EMILY,
  HANAKO,
  MISAKI,
  MOBILE_ID,
  SENDER_MAILBOX,
  UNKNOWN_USER,
  demoSeed,
  rawCall,
  rawToken,
  startEmulator,
} from './graph-test-kit';

const MISAKI_AUTHENTICATOR = '0d6b1c3e-2f4a-4b5c-8d6e-7f8091a2b3c4';
const MISAKI_HELLO = 'b5e01f81-1f81-b5e0-811f-e0b5811fe0b5';

function errorOf(body: unknown): { code: string; message: string; innerError: Record<string, string> } {
  return (body as { error: { code: string; message: string; innerError: Record<string, string> } }).error;
}

describe('Graph emulator rules', () => {
  let emulator: GraphEmulator;
  let token: string;
  const call = (method: string, pathAndQuery: string, body?: unknown) =>
    rawCall(emulator, token, method, pathAndQuery, body);
  const methodIds = async (user: string): Promise<string[]> => {
    const response = await call('GET', `/v1.0/users/${user}/authentication/methods`);
    return (response.body as { value: Array<{ id: string }> }).value.map((m) => m.id);
  };

  beforeAll(async () => {
    emulator = await startEmulator();
    token = await rawToken(emulator);
  });

  afterAll(async () => {
    await emulator.close();
  });

  beforeEach(() => {
    emulator.reset();
  });

  describe('authentication', () => {
    it('answers 401 in Graph format without a token and with a token it did not issue', async () => {
      const missing = await rawCall(emulator, undefined, 'GET', `/v1.0/users/${HANAKO}`);
      expect(missing.status).toBe(401);
      expect(errorOf(missing.body).code).toBe('InvalidAuthenticationToken');
      expect(errorOf(missing.body).innerError['request-id']).toBe(missing.headers.get('request-id'));
      expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer /);

      const forged = await rawCall(emulator, 'eyJ0eXAiOiJKV1QifQ.e30.forged', 'GET', `/v1.0/users/${HANAKO}`);
      expect(forged.status).toBe(401);
    });

    it('refuses tokens for another tenant and, when clients are configured, a wrong secret', async () => {
      const wrongTenant = await fetch(
        `${emulator.url}/00000000-0000-4000-8000-000000000000/oauth2/v2.0/token`,
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials&client_id=a&client_secret=b&scope=x',
        },
      );
      expect(wrongTenant.status).toBe(400);
      expect(((await wrongTenant.json()) as { error_codes: number[] }).error_codes).toEqual([90002]);

      emulator.reset({ ...demoSeed(), clients: [{ clientId: 'bot', clientSecret: 'right' }] });
      const wrongSecret = await fetch(`${emulator.url}/${emulator.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&client_id=bot&client_secret=wrong&scope=x',
      });
      expect(wrongSecret.status).toBe(401);
      expect(((await wrongSecret.json()) as { error: string }).error).toBe('invalid_client');
    });

    it('serves OpenID metadata whose issuer is on its own host, as MSAL requires', async () => {
      const response = await fetch(
        `${emulator.url}/${emulator.tenantId}/v2.0/.well-known/openid-configuration`,
      );
      const metadata = (await response.json()) as Record<string, string>;
      expect(metadata.issuer).toBe(`${emulator.url}/${emulator.tenantId}/v2.0`);
      expect(metadata.token_endpoint).toBe(`${emulator.url}/${emulator.tenantId}/oauth2/v2.0/token`);
    });
  });

  it.each([
    ['GET', `/v1.0/users/${UNKNOWN_USER}`],
    ['GET', `/v1.0/users/${UNKNOWN_USER}/manager`],
    ['GET', `/v1.0/users/${UNKNOWN_USER}/authentication/methods`],
    ['POST', `/v1.0/users/${UNKNOWN_USER}/authentication/phoneMethods`],
    ['POST', `/v1.0/users/${UNKNOWN_USER}/authentication/temporaryAccessPassMethods`],
    ['POST', `/v1.0/users/${UNKNOWN_USER}/revokeSignInSessions`],
    ['POST', `/v1.0/users/${UNKNOWN_USER}/checkMemberGroups`],
  ])('%s %s answers 404 Request_ResourceNotFound for an unknown user', async (method, target) => {
    const body =
      method === 'POST' ? { phoneNumber: '+81 9012345678', phoneType: 'mobile', groupIds: [] } : undefined;
    const response = await call(method, target, body);
    expect(response.status).toBe(404);
    expect(errorOf(response.body).code).toBe('Request_ResourceNotFound');
  });

  describe('phone methods', () => {
    it.each(['+81 090-1234-5678', '+819012345678', '09012345678', '+81 90 1234 5678', ''])(
      'rejects the number %j, which is not "+{country code} {number}"',
      async (phoneNumber) => {
        const created = await call('POST', `/v1.0/users/${EMILY}/authentication/phoneMethods`, {
          phoneNumber,
          phoneType: 'mobile',
        });
        expect(created.status).toBe(400);
        const updated = await call(
          'PATCH',
          `/v1.0/users/${HANAKO}/authentication/phoneMethods/${MOBILE_ID}`,
          {
            phoneNumber,
            phoneType: 'mobile',
          },
        );
        expect(updated.status).toBe(400);
      },
    );

    it('accepts the documented format, with an optional extension', async () => {
      const created = await call('POST', `/v1.0/users/${EMILY}/authentication/phoneMethods`, {
        phoneNumber: '+44 7700900123',
        phoneType: 'mobile',
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        id: MOBILE_ID,
        phoneNumber: '+44 7700900123',
        phoneType: 'mobile',
      });
      const office = await call('POST', `/v1.0/users/${EMILY}/authentication/phoneMethods`, {
        phoneNumber: '+44 2079460000x123',
        phoneType: 'office',
      });
      expect(office.status).toBe(201);
    });

    it('allows one phone per type', async () => {
      const response = await call('POST', `/v1.0/users/${HANAKO}/authentication/phoneMethods`, {
        phoneNumber: '+81 9099999999',
        phoneType: 'mobile',
      });
      expect(response.status).toBe(400);
    });

    it('needs a mobile before an alternateMobile', async () => {
      const response = await call('POST', `/v1.0/users/${EMILY}/authentication/phoneMethods`, {
        phoneNumber: '+44 7700900123',
        phoneType: 'alternateMobile',
      });
      expect(response.status).toBe(400);
    });

    it("never changes a phone's type on update", async () => {
      const response = await call('PATCH', `/v1.0/users/${HANAKO}/authentication/phoneMethods/${MOBILE_ID}`, {
        phoneNumber: '+81 9099999999',
        phoneType: 'office',
      });
      expect(response.status).toBe(400);
    });

    it('refuses to delete the mobile while an alternateMobile exists, and allows it after', async () => {
      const blocked = await call('DELETE', `/v1.0/users/${HANAKO}/authentication/phoneMethods/${MOBILE_ID}`);
      expect(blocked.status).toBe(400);
      expect(await methodIds(HANAKO)).toContain(MOBILE_ID);

      expect(
        (await call('DELETE', `/v1.0/users/${HANAKO}/authentication/phoneMethods/${ALTERNATE_MOBILE_ID}`))
          .status,
      ).toBe(204);
      expect(
        (await call('DELETE', `/v1.0/users/${HANAKO}/authentication/phoneMethods/${MOBILE_ID}`)).status,
      ).toBe(204);
      expect(await methodIds(HANAKO)).toEqual([PASSWORD_METHOD_ID]);
    });
  });

  it('refuses to delete the default method while others exist, and allows it once it is the last', async () => {
    const refused = await call(
      'DELETE',
      `/v1.0/users/${MISAKI}/authentication/microsoftAuthenticatorMethods/${MISAKI_AUTHENTICATOR}`,
    );
    expect(refused.status).toBe(400);
    expect(errorOf(refused.body).message).toBe(
      'Cannot delete default method with other methods configured. Please change default method before deletion.',
    );
    await call(
      'DELETE',
      `/v1.0/users/${MISAKI}/authentication/windowsHelloForBusinessMethods/${MISAKI_HELLO}`,
    );
    await call('DELETE', `/v1.0/users/${MISAKI}/authentication/phoneMethods/${MOBILE_ID}`);
    const allowed = await call(
      'DELETE',
      `/v1.0/users/${MISAKI}/authentication/microsoftAuthenticatorMethods/${MISAKI_AUTHENTICATOR}`,
    );
    expect(allowed.status).toBe(204);
    expect(emulator.state.defaultMethodOf(MISAKI)).toBeUndefined();
  });

  it('never deletes the password', async () => {
    const response = await call(
      'DELETE',
      `/v1.0/users/${EMILY}/authentication/passwordMethods/${PASSWORD_METHOD_ID}`,
    );
    expect(response.status).toBe(405);
    expect(await methodIds(EMILY)).toContain(PASSWORD_METHOD_ID);
  });

  it('answers 404 for a method of another type or id', async () => {
    const response = await call(
      'DELETE',
      `/v1.0/users/${MISAKI}/authentication/fido2Methods/${MISAKI_AUTHENTICATOR}`,
    );
    expect(response.status).toBe(404);
  });

  describe('Temporary Access Pass', () => {
    it('returns the value only on create, and a new pass replaces the previous one', async () => {
      const first = await call('POST', `/v1.0/users/${HANAKO}/authentication/temporaryAccessPassMethods`, {
        lifetimeInMinutes: 60,
        isUsableOnce: true,
      });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ lifetimeInMinutes: 60, isUsableOnce: true, isUsable: true });
      expect((first.body as { temporaryAccessPass: string }).temporaryAccessPass).toMatch(/^.{8}$/);

      const second = await call('POST', `/v1.0/users/${HANAKO}/authentication/temporaryAccessPassMethods`, {
        lifetimeInMinutes: 30,
      });
      const secondId = (second.body as { id: string }).id;
      const listed = await call('GET', `/v1.0/users/${HANAKO}/authentication/temporaryAccessPassMethods`);
      expect((listed.body as { value: unknown[] }).value).toEqual([
        expect.objectContaining({ id: secondId, temporaryAccessPass: null, lifetimeInMinutes: 30 }),
      ]);
      const all = JSON.stringify((await call('GET', `/v1.0/users/${HANAKO}/authentication/methods`)).body);
      expect(all).not.toContain((second.body as { temporaryAccessPass: string }).temporaryAccessPass);
    });

    it.each([9, 43201, 481, 60.5])(
      'refuses a lifetime of %p minutes (10–43200 and the policy bounds)',
      async (lifetimeInMinutes) => {
        const response = await call(
          'POST',
          `/v1.0/users/${HANAKO}/authentication/temporaryAccessPassMethods`,
          {
            lifetimeInMinutes,
          },
        );
        expect(response.status).toBe(400);
        expect(await methodIds(HANAKO)).toHaveLength(3);
      },
    );

    it('uses the policy default lifetime and refuses multi-use passes when the policy is one-time only', async () => {
      emulator.reset({
        ...demoSeed(),
        temporaryAccessPassPolicy: { isUsableOnce: true, defaultLifetimeInMinutes: 90 },
      });
      const multi = await call('POST', `/v1.0/users/${HANAKO}/authentication/temporaryAccessPassMethods`, {
        isUsableOnce: false,
      });
      expect(multi.status).toBe(400);
      const defaulted = await call(
        'POST',
        `/v1.0/users/${HANAKO}/authentication/temporaryAccessPassMethods`,
        {},
      );
      expect(defaulted.body).toMatchObject({ lifetimeInMinutes: 90, isUsableOnce: true });
    });
  });

  it('checks at most 20 groups per checkMemberGroups call, transitively', async () => {
    const tooMany = await call('POST', `/v1.0/users/${EMILY}/checkMemberGroups`, {
      groupIds: Array.from(
        { length: 21 },
        (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      ),
    });
    expect(tooMany.status).toBe(400);
    // Emily is in the approvers group only through the nested Helpdesk Tier 2 group.
    const nested = await call('POST', `/v1.0/users/${EMILY}/checkMemberGroups`, { groupIds: [APPROVERS] });
    expect((nested.body as { value: string[] }).value).toEqual([APPROVERS]);
  });

  it('pages transitiveMemberOf with $top and an @odata.nextLink', async () => {
    const first = await call('GET', `/v1.0/users/${EMILY}/transitiveMemberOf?$top=1&$select=id`);
    const body = first.body as { value: Array<{ id: string }>; '@odata.nextLink': string };
    expect(body.value).toHaveLength(1);
    const next = new URL(body['@odata.nextLink']);
    const second = await call('GET', next.pathname + next.search);
    const secondBody = second.body as { value: Array<{ id: string }>; '@odata.nextLink'?: string };
    expect(secondBody.value).toHaveLength(1);
    expect(secondBody['@odata.nextLink']).toBeUndefined();
    expect(new Set([body.value[0]?.id, secondBody.value[0]?.id]).size).toBe(2);
  });

  it('refuses query options it does not implement instead of ignoring them', async () => {
    expect(
      (await call('GET', `/v1.0/users/${EMILY}/transitiveMemberOf?$filter=isAssignableToRole eq true`))
        .status,
    ).toBe(400);
    expect(
      (
        await call(
          'GET',
          "/v1.0/roleManagement/directory/roleAssignments?$filter=startswith(principalId,'6')",
        )
      ).status,
    ).toBe(400);
    expect((await call('GET', `/v1.0/users/${HANAKO}/authentication/unknownMethods`)).status).toBe(400);
    expect((await call('GET', '/v1.0/me')).status).toBe(400);
  });

  describe('sendMail', () => {
    it('keeps what was sent for inspection', async () => {
      const response = await call('POST', `/v1.0/users/${SENDER_MAILBOX}/sendMail`, {
        message: {
          subject: 'S',
          body: { contentType: 'Text', content: 'B' },
          toRecipients: [{ emailAddress: { address: 'a@contoso.com' } }],
        },
      });
      expect(response.status).toBe(202);
      expect(emulator.sentMails).toEqual([
        expect.objectContaining({
          from: SENDER_MAILBOX,
          saveToSentItems: true,
          message: expect.objectContaining({ subject: 'S' }),
        }),
      ]);
    });

    it('refuses an unknown mailbox and invalid recipients', async () => {
      const message = {
        subject: 'S',
        body: { contentType: 'Text', content: 'B' },
        toRecipients: [{ emailAddress: { address: 'a@contoso.com' } }],
      };
      const unknown = await call('POST', '/v1.0/users/nobody@contoso.onmicrosoft.com/sendMail', { message });
      expect(unknown.status).toBe(404);
      expect(errorOf(unknown.body).code).toBe('ErrorInvalidUser');
      const noRecipient = await call('POST', `/v1.0/users/${SENDER_MAILBOX}/sendMail`, {
        message: { ...message, toRecipients: [] },
      });
      expect(noRecipient.status).toBe(400);
      expect(emulator.sentMails).toHaveLength(0);
    });
  });

  describe('fault injection', () => {
    it('answers 429 with Retry-After and Graph’s error body, without touching state, for the given number of calls', async () => {
      emulator.inject('deleteMethod', { kind: 'status', status: 429, retryAfterSeconds: 7 }, { times: 1 });
      const throttled = await call(
        'DELETE',
        `/v1.0/users/${HANAKO}/authentication/phoneMethods/${ALTERNATE_MOBILE_ID}`,
      );
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('retry-after')).toBe('7');
      expect(errorOf(throttled.body).code).toBe('TooManyRequests');
      expect(await methodIds(HANAKO)).toContain(ALTERNATE_MOBILE_ID);
      const next = await call(
        'DELETE',
        `/v1.0/users/${HANAKO}/authentication/phoneMethods/${ALTERNATE_MOBILE_ID}`,
      );
      expect(next.status).toBe(204);
      expect(emulator.requestsFor('deleteMethod').map((r) => [r.status, r.fault])).toEqual([
        [429, 'status'],
        [204, undefined],
      ]);
    });

    it('answers 503 when asked', async () => {
      emulator.inject('getUser', { kind: 'status', status: 503 });
      expect((await call('GET', `/v1.0/users/${HANAKO}`)).status).toBe(503);
    });

    it('delays a response', async () => {
      emulator.inject('getUser', { kind: 'delay', ms: 300 });
      const started = Date.now();
      expect((await call('GET', `/v1.0/users/${HANAKO}`)).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    });

    it('drops the connection, before or after applying the request', async () => {
      emulator.inject('deleteMethod', { kind: 'drop' }, { times: 1 });
      await expect(
        call('DELETE', `/v1.0/users/${HANAKO}/authentication/phoneMethods/${ALTERNATE_MOBILE_ID}`),
      ).rejects.toThrow();
      expect(await methodIds(HANAKO)).toContain(ALTERNATE_MOBILE_ID);

      emulator.inject('deleteMethod', { kind: 'drop', afterProcessing: true }, { times: 1 });
      await expect(
        call('DELETE', `/v1.0/users/${HANAKO}/authentication/phoneMethods/${ALTERNATE_MOBILE_ID}`),
      ).rejects.toThrow();
      expect(await methodIds(HANAKO)).not.toContain(ALTERNATE_MOBILE_ID);
    });

    it('holds calls at a gate until the test opens it', async () => {
      const gate = emulator.gate('revokeSignInSessions');
      let settled = false;
      const pending = call('POST', `/v1.0/users/${HANAKO}/revokeSignInSessions`).then((r) => {
        settled = true;
        return r;
      });
      await gate.whenHolding(1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(settled).toBe(false);
      expect(emulator.state.signInSessionsValidFrom(HANAKO)).toBeUndefined();
      gate.open();
      expect((await pending).status).toBe(200);
      expect(emulator.state.signInSessionsValidFrom(HANAKO)).toBeDefined();
    });

    it('records exactly what was sent', async () => {
      await call('POST', `/v1.0/users/${EMILY}/checkMemberGroups`, { groupIds: [APPROVERS] });
      const [recorded] = emulator.requestsFor('checkMemberGroups');
      expect(recorded).toMatchObject({
        method: 'POST',
        path: `/v1.0/users/${EMILY}/checkMemberGroups`,
        params: { user: EMILY },
        body: { groupIds: [APPROVERS] },
        status: 200,
      });
      expect(recorded?.headers.authorization).toBe(`Bearer ${token}`);
    });
  });

  describe('seed validation', () => {
    it.each([
      [
        'an alternateMobile without a mobile',
        (seed: ReturnType<typeof demoSeed>) => {
          seed.users[0].methods = seed.users[0].methods!.filter((m) => m.phoneType !== 'mobile');
          seed.users[0].defaultMethodId = ALTERNATE_MOBILE_ID;
        },
      ],
      [
        'a phone under the wrong id',
        (seed: ReturnType<typeof demoSeed>) => {
          seed.users[0].methods![0].id = ALTERNATE_MOBILE_ID;
        },
      ],
      [
        'a group nested in a role-assignable group',
        (seed: ReturnType<typeof demoSeed>) => {
          seed.groups!.find((g) => g.isAssignableToRole === true)!.members.push(APPROVERS);
        },
      ],
      [
        'a default method that is not registered',
        (seed: ReturnType<typeof demoSeed>) => {
          seed.users[1].defaultMethodId = 'nope';
        },
      ],
    ])('refuses %s', (_what, spoil) => {
      const seed = demoSeed();
      spoil(seed);
      expect(() => validateSeed(seed)).toThrow(/Invalid Graph emulator directory/);
    });
  });

  it('creates a loopback certificate (IP 127.0.0.1, DNS localhost) once and keeps it while valid', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'graph-cert-'));
    try {
      const first = await ensureEmulatorCertificate(dir);
      expect(first.created).toBe(true);
      const san = new X509Certificate(first.cert).subjectAltName ?? '';
      expect(san).toContain('IP Address:127.0.0.1');
      expect(san).toContain('DNS:localhost');
      const second = await ensureEmulatorCertificate(dir);
      expect(second.created).toBe(false);
      expect(second.cert).toBe(first.cert);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
