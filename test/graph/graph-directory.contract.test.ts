/**
 * Contract tests: the real adapter (real Graph client, real ClientSecretCredential, real HTTPS)
 * against the emulator, for every port operation — the result, and exactly what reached Graph.
 */
import type { Directory } from '../../src/ports/directory';
import { DELETABLE_METHOD_TYPES } from '../../src/ports/directory';
import { isAppError } from '../../src/errors';
import type { GraphEmulator, SeedDirectory } from '../../tools/graph-emulator';
import { PASSWORD_METHOD_ID } from '../../tools/graph-emulator';
import {
  ALTERNATE_MOBILE_ID,
  APPROVERS,
  AUDIT_ROLE_GROUP,
  EMILY,
  HANAKO,
  ICHIRO,
  KEN,
  MAKOTO,
  MISAKI,
  MOBILE_ID,
  NAOKO,
  MEGUMI,
  OLIVIA,
  PIM_ADMIN_GROUP,
  REVIEWERS,
  SAKURA,
  SENDER_MAILBOX,
  SHOTA,
  UNKNOWN_USER,
  YOKO,
  calls,
  demoSeed,
  directoryFor,
  startEmulator,
} from './graph-test-kit';

const USER_SELECT =
  '$select=id,displayName,userPrincipalName,mail,department,usageLocation,accountEnabled,userType';

async function appError(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('GraphDirectory against the Graph emulator', () => {
  let emulator: GraphEmulator;
  let directory: Directory;
  const lastRequestId = (route: Parameters<GraphEmulator['requestsFor']>[0]) =>
    emulator.requestsFor(route).at(-1)?.requestId;

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

  describe('authentication', () => {
    it('gets a token from the emulator with ClientSecretCredential and sends it as a bearer token', async () => {
      emulator.forgetTokens();
      await directory.getUser(HANAKO).catch(() => undefined);
      // The credential caches its token, so force a fresh one through a new adapter instance.
      const fresh = directoryFor(emulator);
      await fresh.getUser(HANAKO);
      const [tokenRequest] = emulator.requestsFor('token');
      expect(tokenRequest?.path).toBe(`/${emulator.tenantId}/oauth2/v2.0/token`);
      expect(tokenRequest?.body).toMatchObject({
        grant_type: 'client_credentials',
        client_id: 'helpdesk-bot',
        client_secret: 's3cret',
        scope: `${emulator.url}/.default`,
      });
      const graphCall = emulator.requestsFor('getUser').at(-1);
      expect(graphCall?.status).toBe(200);
      expect(graphCall?.headers.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    });
  });

  describe('getUser', () => {
    it('reads the profile fields the bot needs with $select', async () => {
      await expect(directory.getUser(HANAKO)).resolves.toEqual({
        id: HANAKO,
        displayName: '山田 花子',
        userPrincipalName: 'hanako.yamada@contoso.onmicrosoft.com',
        mail: 'hanako.yamada@contoso.onmicrosoft.com',
        department: '営業部',
        usageLocation: 'JP',
        accountEnabled: true,
        userType: 'Member',
      });
      expect(calls(emulator)).toEqual([`GET /v1.0/users/${HANAKO}?${USER_SELECT}`]);
    });

    it('fails NOT_FOUND with Graph’s request-id for an unknown user', async () => {
      const error = await appError(directory.getUser(UNKNOWN_USER));
      expect(error.code).toBe('NOT_FOUND');
      expect(error.requestId).toBe(lastRequestId('getUser'));
    });

    it('refuses anything but an object id without calling Graph', async () => {
      const error = await appError(directory.getUser('../../roleManagement/directory/roleAssignments'));
      expect(error.code).toBe('BAD_REQUEST');
      expect(calls(emulator)).toEqual([]);
    });
  });

  describe('getManager', () => {
    it('returns the manager', async () => {
      const manager = await directory.getManager(HANAKO);
      expect(manager).toMatchObject({
        id: NAOKO,
        displayName: '伊藤 直子',
        mail: 'naoko.ito@contoso.onmicrosoft.com',
      });
      expect(calls(emulator)).toEqual([`GET /v1.0/users/${HANAKO}/manager?${USER_SELECT}`]);
    });

    it('returns undefined when no manager is set, after checking the user exists', async () => {
      await expect(directory.getManager(MAKOTO)).resolves.toBeUndefined();
      expect(calls(emulator)).toEqual([
        `GET /v1.0/users/${MAKOTO}/manager?${USER_SELECT}`,
        `GET /v1.0/users/${MAKOTO}?${USER_SELECT}`,
      ]);
    });

    it('fails NOT_FOUND for an unknown user', async () => {
      expect((await appError(directory.getManager(UNKNOWN_USER))).code).toBe('NOT_FOUND');
    });
  });

  describe('memberOfGroups', () => {
    it('answers live and transitively (Emily is an approver through a nested group)', async () => {
      await expect(directory.memberOfGroups(EMILY, [APPROVERS, REVIEWERS])).resolves.toEqual(
        new Set([APPROVERS]),
      );
      await expect(directory.memberOfGroups(KEN, [APPROVERS])).resolves.toEqual(new Set([APPROVERS]));
      await expect(directory.memberOfGroups(HANAKO, [APPROVERS, REVIEWERS])).resolves.toEqual(new Set());
      const requests = emulator.requestsFor('checkMemberGroups');
      expect(requests.map((r) => [r.method, r.path, r.body])).toEqual([
        ['POST', `/v1.0/users/${EMILY}/checkMemberGroups`, { groupIds: [APPROVERS, REVIEWERS] }],
        ['POST', `/v1.0/users/${KEN}/checkMemberGroups`, { groupIds: [APPROVERS] }],
        ['POST', `/v1.0/users/${HANAKO}/checkMemberGroups`, { groupIds: [APPROVERS, REVIEWERS] }],
      ]);
    });

    it('sees a membership change at once', async () => {
      await expect(directory.memberOfGroups(HANAKO, [APPROVERS])).resolves.toEqual(new Set());
      const seed = demoSeed();
      seed.groups!.find((g) => g.id === APPROVERS)!.members.push(HANAKO);
      emulator.reset(seed);
      await expect(directory.memberOfGroups(HANAKO, [APPROVERS])).resolves.toEqual(new Set([APPROVERS]));
    });

    it('splits more than 20 group ids into calls of 20, as Graph requires', async () => {
      const others = Array.from(
        { length: 24 },
        (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      );
      await expect(directory.memberOfGroups(EMILY, [...others, APPROVERS])).resolves.toEqual(
        new Set([APPROVERS]),
      );
      const bodies = emulator
        .requestsFor('checkMemberGroups')
        .map((r) => (r.body as { groupIds: string[] }).groupIds);
      expect(bodies.map((ids) => ids.length)).toEqual([20, 5]);
      expect(bodies.flat()).toEqual([...others, APPROVERS]);
    });
  });

  describe('getPrivilege', () => {
    const HELPDESK_ADMIN = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
    const NONE = { groupLinks: [], keyHolderGroupIds: [] };
    const expectedCalls = (user: string, groups: string[]) =>
      [
        `GET /v1.0/roleManagement/directory/roleAssignments?$filter=principalId eq '${user}'&$expand=roleDefinition`,
        `GET /v1.0/roleManagement/directory/roleEligibilityScheduleInstances?$filter=principalId eq '${user}'&$expand=roleDefinition`,
        `GET /v1.0/users/${user}/transitiveMemberOf?$select=id,displayName,isAssignableToRole&$top=999`,
        `GET /v1.0/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances?$filter=principalId eq '${user}'`,
        `GET /v1.0/identityGovernance/privilegedAccess/group/assignmentScheduleInstances?$filter=principalId eq '${user}'`,
        `GET /v1.0/groups?$filter=isAssignableToRole eq true&$select=id,displayName&$expand=owners($select=id)`,
        ...groups.flatMap((group) => [
          `GET /v1.0/roleManagement/directory/roleAssignments?$filter=principalId eq '${group}'&$expand=roleDefinition`,
          `GET /v1.0/roleManagement/directory/roleEligibilityScheduleInstances?$filter=principalId eq '${group}'&$expand=roleDefinition`,
        ]),
      ].sort();

    it('finds an active Global Administrator', async () => {
      await expect(directory.getPrivilege(MAKOTO)).resolves.toEqual({
        privileged: true,
        grants: [
          {
            assignment: 'active',
            roleDefinitionId: '62e90394-69f5-4237-9190-012177145e10',
            roleName: 'Global Administrator',
            via: { kind: 'direct' },
          },
        ],
        ...NONE,
      });
      expect(calls(emulator).sort()).toEqual(expectedCalls(MAKOTO, []));
    });

    it('finds a role that is only PIM-eligible', async () => {
      await expect(directory.getPrivilege(OLIVIA)).resolves.toEqual({
        privileged: true,
        grants: [
          {
            assignment: 'eligible',
            roleDefinitionId: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
            roleName: 'User Administrator',
            via: { kind: 'direct' },
          },
        ],
        ...NONE,
      });
    });

    it('finds a role held through a role-assignable group, and only asks about role-assignable groups', async () => {
      await expect(directory.getPrivilege(ICHIRO)).resolves.toEqual({
        privileged: true,
        grants: [
          {
            assignment: 'active',
            roleDefinitionId: '4a5d8f65-41da-4de4-8968-e035b65339cf',
            roleName: 'Reports Reader',
            via: { kind: 'group', groupId: AUDIT_ROLE_GROUP, groupName: '監査担当 (Reports Reader)' },
          },
        ],
        groupLinks: [
          {
            groupId: AUDIT_ROLE_GROUP,
            groupName: '監査担当 (Reports Reader)',
            relation: 'member',
            assignment: 'active',
          },
        ],
        keyHolderGroupIds: [],
      });
      // Ichiro is also in the (not role-assignable) reviewers group; it is not asked about.
      expect(calls(emulator).sort()).toEqual(expectedCalls(ICHIRO, [AUDIT_ROLE_GROUP]));
    });

    it('finds someone only eligible (PIM for Groups) to join a role-assignable group', async () => {
      const report = await directory.getPrivilege(SHOTA);
      expect(report).toMatchObject({
        privileged: true,
        groupLinks: [
          expect.objectContaining({ groupId: PIM_ADMIN_GROUP, relation: 'member', assignment: 'eligible' }),
        ],
        grants: [
          expect.objectContaining({
            roleDefinitionId: HELPDESK_ADMIN,
            via: expect.objectContaining({ kind: 'group' }),
          }),
        ],
      });
      expect(calls(emulator).sort()).toEqual(expectedCalls(SHOTA, [PIM_ADMIN_GROUP]));
    });

    it('finds an active PIM for Groups assignment to a role-assignable group', async () => {
      const report = await directory.getPrivilege(MEGUMI);
      expect(report.privileged).toBe(true);
      expect(report.groupLinks).toEqual([
        expect.objectContaining({ groupId: PIM_ADMIN_GROUP, relation: 'member', assignment: 'active' }),
      ]);
    });

    it('finds the owner of a role-assignable group', async () => {
      const report = await directory.getPrivilege(YOKO);
      expect(report.privileged).toBe(true);
      expect(report.groupLinks).toEqual([
        {
          groupId: AUDIT_ROLE_GROUP,
          groupName: '監査担当 (Reports Reader)',
          relation: 'owner',
          assignment: 'active',
        },
      ]);
      expect(report.grants.map((g) => g.roleName)).toEqual(['Reports Reader']);
    });

    it("reads the owners in full when the expanded list is at Graph's limit of 20", async () => {
      const seed = demoSeed();
      const group = seed.groups!.find((g) => g.id === AUDIT_ROLE_GROUP)!;
      const others = seed.users.filter((u) => u.id !== YOKO && u.id !== HANAKO).map((u) => u.id);
      for (let i = 0; i < 20; i += 1) {
        const id = `20000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
        seed.users.push({
          id,
          displayName: `owner ${i}`,
          userPrincipalName: `owner${i}@contoso.onmicrosoft.com`,
        });
        others.push(id);
      }
      group.owners = [...others, YOKO];
      emulator.reset(seed);
      const report = await directory.getPrivilege(YOKO);
      expect(report.groupLinks).toEqual([expect.objectContaining({ relation: 'owner' })]);
      expect(emulator.requestsFor('listGroupOwners').map((r) => r.params.group)).toEqual([AUDIT_ROLE_GROUP]);
    });

    it('counts the key-holder groups, nested or through PIM for Groups, as privilege', async () => {
      await expect(
        directory.getPrivilege(EMILY, { keyHolderGroupIds: [APPROVERS, REVIEWERS] }),
      ).resolves.toEqual({
        privileged: true,
        grants: [],
        groupLinks: [],
        keyHolderGroupIds: [APPROVERS],
      });
      await expect(
        directory.getPrivilege(SAKURA, { keyHolderGroupIds: [APPROVERS, REVIEWERS] }),
      ).resolves.toMatchObject({
        privileged: true,
        keyHolderGroupIds: [REVIEWERS],
      });
      const seed = demoSeed();
      seed.pimGroupEligibilityScheduleInstances = [
        { principalId: HANAKO, groupId: APPROVERS, accessId: 'member' },
      ];
      emulator.reset(seed);
      await expect(directory.getPrivilege(HANAKO, { keyHolderGroupIds: [APPROVERS] })).resolves.toMatchObject(
        {
          privileged: true,
          keyHolderGroupIds: [APPROVERS],
        },
      );
    });

    it('fails rather than answering when any part cannot be read', async () => {
      for (const route of [
        'listPimGroupEligibilityScheduleInstances',
        'listPimGroupAssignmentScheduleInstances',
        'listGroups',
      ] as const) {
        emulator.reset();
        emulator.inject(route, {
          kind: 'status',
          status: 403,
          code: 'Authorization_RequestDenied',
          message: 'Insufficient privileges to complete the operation.',
        });
        expect((await appError(directory.getPrivilege(HANAKO))).code).toBe('FORBIDDEN');
      }
    });

    it('finds an eligibility held through a role-assignable group', async () => {
      const seed: SeedDirectory = demoSeed();
      seed.roleAssignments = [];
      seed.roleEligibilityScheduleInstances = [
        {
          id: 'elig-group-1',
          principalId: AUDIT_ROLE_GROUP,
          roleDefinitionId: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
          memberType: 'Direct',
        },
      ];
      emulator.reset(seed);
      const report = await directory.getPrivilege(ICHIRO);
      expect(report.privileged).toBe(true);
      expect(report.grants).toEqual([
        expect.objectContaining({
          assignment: 'eligible',
          roleName: 'Helpdesk Administrator',
          via: expect.objectContaining({ kind: 'group' }),
        }),
      ]);
    });

    it('reports an ordinary employee as not privileged', async () => {
      await expect(
        directory.getPrivilege(HANAKO, { keyHolderGroupIds: [APPROVERS, REVIEWERS] }),
      ).resolves.toEqual({
        privileged: false,
        grants: [],
        ...NONE,
      });
      expect(calls(emulator).sort()).toEqual(expectedCalls(HANAKO, []));
    });

    it('follows @odata.nextLink when memberships span several pages', async () => {
      const seed = demoSeed();
      for (let i = 0; i < 1000; i += 1) {
        seed.groups!.push({
          id: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          displayName: `g${i}`,
          members: [ICHIRO],
        });
      }
      emulator.reset(seed);
      const report = await directory.getPrivilege(ICHIRO);
      expect(report.grants.map((g) => g.via)).toEqual([
        expect.objectContaining({ groupId: AUDIT_ROLE_GROUP }),
      ]);
      expect(emulator.requestsFor('listTransitiveMemberOf')).toHaveLength(2);
    });
  });

  describe('getGroup', () => {
    it('says whether a group is role-assignable', async () => {
      await expect(directory.getGroup(APPROVERS)).resolves.toEqual({
        id: APPROVERS,
        displayName: 'Helpdesk MFA approvers',
        isAssignableToRole: false,
      });
      await expect(directory.getGroup(AUDIT_ROLE_GROUP)).resolves.toMatchObject({ isAssignableToRole: true });
      expect(calls(emulator).at(-1)).toBe(
        `GET /v1.0/groups/${AUDIT_ROLE_GROUP}?$select=id,displayName,isAssignableToRole`,
      );
      expect((await appError(directory.getGroup(UNKNOWN_USER))).code).toBe('NOT_FOUND');
    });
  });

  describe('listMethods', () => {
    it('lists every method with masked details only', async () => {
      const methods = await directory.listMethods(MISAKI);
      expect(methods).toEqual([
        expect.objectContaining({ type: 'password', id: PASSWORD_METHOD_ID }),
        expect.objectContaining({
          type: 'microsoftAuthenticator',
          displayName: 'iPhone 15',
          createdDateTime: '2024-05-14T01:22:31Z',
        }),
        expect.objectContaining({ type: 'windowsHelloForBusiness', displayName: 'MISAKI-PC' }),
        expect.objectContaining({ type: 'mobile', id: MOBILE_ID, maskedDetail: '+81 ********81' }),
      ]);
      expect(JSON.stringify(methods)).not.toContain('9023456781');
      expect(calls(emulator)).toEqual([`GET /v1.0/users/${MISAKI}/authentication/methods`]);
    });

    it('masks e-mail methods and names FIDO2 keys', async () => {
      const ichiro = await directory.listMethods(ICHIRO);
      expect(ichiro).toContainEqual(
        expect.objectContaining({ type: 'email', maskedDetail: 'i***@example.com' }),
      );
      const emily = await directory.listMethods(EMILY);
      expect(emily).toContainEqual(expect.objectContaining({ type: 'fido2', displayName: 'Red key' }));
    });
  });

  describe('setMobilePhone', () => {
    it('updates the existing mobile in place, sending "+{cc} {number}"', async () => {
      const result = await directory.setMobilePhone(HANAKO, {
        countryCode: '81',
        nationalNumber: '9098765432',
      });
      expect(result).toEqual({ action: 'updated', requestId: lastRequestId('updatePhoneMethod') });
      expect(calls(emulator)).toEqual([
        `GET /v1.0/users/${HANAKO}/authentication/phoneMethods`,
        `PATCH /v1.0/users/${HANAKO}/authentication/phoneMethods/${MOBILE_ID}`,
      ]);
      expect(emulator.requestsFor('updatePhoneMethod')[0]?.body).toEqual({
        phoneNumber: '+81 9098765432',
        phoneType: 'mobile',
      });
      expect(emulator.state.methodsOf(HANAKO)).toContainEqual(
        expect.objectContaining({ id: MOBILE_ID, phoneNumber: '+81 9098765432' }),
      );
      // Still the default: updating in place does not disturb it.
      expect(emulator.state.defaultMethodOf(HANAKO)).toBe(MOBILE_ID);
    });

    it('adds a mobile when there is none', async () => {
      const result = await directory.setMobilePhone(EMILY, {
        countryCode: '44',
        nationalNumber: '7700900123',
      });
      expect(result).toEqual({ action: 'added', requestId: lastRequestId('createPhoneMethod') });
      expect(calls(emulator)).toEqual([
        `GET /v1.0/users/${EMILY}/authentication/phoneMethods`,
        `POST /v1.0/users/${EMILY}/authentication/phoneMethods`,
      ]);
      expect(emulator.requestsFor('createPhoneMethod')[0]?.body).toEqual({
        phoneNumber: '+44 7700900123',
        phoneType: 'mobile',
      });
    });

    it.each([
      [{ countryCode: '+81', nationalNumber: '9012345678' }],
      [{ countryCode: '81', nationalNumber: '090-1234-5678' }],
      [{ countryCode: '0', nationalNumber: '9012345678' }],
    ])('refuses %j before calling Graph', async (phone) => {
      expect((await appError(directory.setMobilePhone(HANAKO, phone))).code).toBe('BAD_REQUEST');
      expect(calls(emulator)).toEqual([]);
    });
  });

  describe('deleteMethods', () => {
    it('deletes alternateMobile before mobile, in one call of the port', async () => {
      const result = await directory.deleteMethods(HANAKO, ['mobile', 'alternateMobile']);
      expect(result.failed).toEqual([]);
      expect(result.stoppedEarly).toBe(false);
      expect(result.removed).toEqual([
        { type: 'alternateMobile', id: ALTERNATE_MOBILE_ID },
        { type: 'mobile', id: MOBILE_ID },
      ]);
      expect(calls(emulator)).toEqual([
        `GET /v1.0/users/${HANAKO}/authentication/methods`,
        `DELETE /v1.0/users/${HANAKO}/authentication/phoneMethods/${ALTERNATE_MOBILE_ID}`,
        `DELETE /v1.0/users/${HANAKO}/authentication/phoneMethods/${MOBILE_ID}`,
      ]);
      const deletes = emulator.requestsFor('deleteMethod');
      expect(result.attempts.map((a) => a.requestId)).toEqual(deletes.map((r) => r.requestId));
      expect(emulator.state.methodsOf(HANAKO).map((m) => m.id)).toEqual([PASSWORD_METHOD_ID]);
    });

    it('deletes every method of a user whose default is the mobile phone, in an order Graph accepts', async () => {
      const seed = demoSeed();
      const hanako = seed.users.find((u) => u.id === HANAKO)!;
      hanako.methods!.push(
        {
          '@odata.type': '#microsoft.graph.phoneAuthenticationMethod',
          id: 'e37fc753-ff3b-4958-9484-eaa9425c82bc',
          phoneNumber: '+81 312345678',
          phoneType: 'office',
        },
        {
          '@odata.type': '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod',
          id: 'auth-1',
          displayName: 'Old iPhone',
        },
        { '@odata.type': '#microsoft.graph.softwareOathAuthenticationMethod', id: 'oath-1', secretKey: null },
        {
          '@odata.type': '#microsoft.graph.fido2AuthenticationMethod',
          id: 'fido-1',
          displayName: 'Blue key',
        },
        {
          '@odata.type': '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod',
          id: 'whfb-1',
          displayName: 'PC',
        },
        {
          '@odata.type': '#microsoft.graph.emailAuthenticationMethod',
          id: 'email-1',
          emailAddress: 'h@example.com',
        },
        {
          '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
          id: 'tap-1',
          startDateTime: '2024-01-01T00:00:00Z',
          lifetimeInMinutes: 60,
          isUsableOnce: true,
        },
      );
      emulator.reset(seed);
      expect(emulator.state.defaultMethodOf(HANAKO)).toBe(MOBILE_ID);

      const result = await directory.deleteMethods(HANAKO, DELETABLE_METHOD_TYPES);

      expect(result.failed).toEqual([]);
      expect(result.attempts.every((a) => a.outcome === 'deleted')).toBe(true);
      expect(
        emulator.requestsFor('deleteMethod').map((r) => `${r.params.collection}/${r.params.methodId}`),
      ).toEqual([
        'temporaryAccessPassMethods/tap-1',
        'emailMethods/email-1',
        'softwareOathMethods/oath-1',
        'fido2Methods/fido-1',
        'windowsHelloForBusinessMethods/whfb-1',
        'microsoftAuthenticatorMethods/auth-1',
        'phoneMethods/e37fc753-ff3b-4958-9484-eaa9425c82bc',
        `phoneMethods/${ALTERNATE_MOBILE_ID}`,
        `phoneMethods/${MOBILE_ID}`,
      ]);
      expect(emulator.requestsFor('deleteMethod').every((r) => r.status === 204)).toBe(true);
      expect(emulator.state.methodsOf(HANAKO).map((m) => m.id)).toEqual([PASSWORD_METHOD_ID]);
    });

    it('retries the method Graph refuses as the default after the others are gone', async () => {
      // Misaki's default is the Authenticator, which the usual order tries before her phone.
      const result = await directory.deleteMethods(MISAKI, [
        'microsoftAuthenticator',
        'windowsHelloForBusiness',
        'mobile',
      ]);
      expect(result.failed).toEqual([]);
      expect(result.attempts.map((a) => [a.methodType, a.outcome, a.errorCode])).toEqual([
        ['windowsHelloForBusiness', 'deleted', undefined],
        ['microsoftAuthenticator', 'deferred', 'DEFAULT_METHOD_REFUSED'],
        ['mobile', 'deleted', undefined],
        ['microsoftAuthenticator', 'deleted', undefined],
      ]);
      expect(result.attempts.map((a) => a.requestId)).toEqual(
        emulator.requestsFor('deleteMethod').map((r) => r.requestId),
      );
      expect(emulator.state.methodsOf(MISAKI).map((m) => m.id)).toEqual([PASSWORD_METHOD_ID]);
    });

    it('reports the default as failed when a method it may not delete remains', async () => {
      // Windows Hello stays (not ticked), so Graph keeps refusing the default Authenticator.
      const result = await directory.deleteMethods(MISAKI, ['microsoftAuthenticator', 'mobile']);
      expect(result.removed).toEqual([{ type: 'mobile', id: MOBILE_ID }]);
      expect(result.failed).toEqual([
        {
          type: 'microsoftAuthenticator',
          id: '0d6b1c3e-2f4a-4b5c-8d6e-7f8091a2b3c4',
          errorCode: 'DEFAULT_METHOD_REFUSED',
        },
      ]);
      expect(result.stoppedEarly).toBe(false);
      expect(emulator.state.methodsOf(MISAKI).map((m) => m['@odata.type'])).toEqual([
        '#microsoft.graph.passwordAuthenticationMethod',
        '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod',
        '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod',
      ]);
    });

    it('counts a method that vanished meanwhile as removed (a resumed run)', async () => {
      const gate = emulator.gate('deleteMethod', { times: 1 });
      const running = directory.deleteMethods(HANAKO, ['alternateMobile']);
      await gate.whenHolding(1);
      emulator.state.deleteMethod(HANAKO, 'phoneMethods', ALTERNATE_MOBILE_ID);
      gate.open();
      const result = await running;
      expect(result.attempts).toEqual([
        expect.objectContaining({
          methodType: 'alternateMobile',
          outcome: 'alreadyAbsent',
          requestId: lastRequestId('deleteMethod'),
        }),
      ]);
      expect(result.removed).toEqual([{ type: 'alternateMobile', id: ALTERNATE_MOBILE_ID }]);
    });

    it('leaves methods of other types alone', async () => {
      await directory.deleteMethods(MISAKI, ['windowsHelloForBusiness']);
      expect(emulator.requestsFor('deleteMethod').map((r) => r.params.collection)).toEqual([
        'windowsHelloForBusinessMethods',
      ]);
    });

    it.each([[['password']], [['other']], [['mobile', 'password']]] as const)(
      'refuses %j without calling Graph',
      async (types) => {
        expect((await appError(directory.deleteMethods(HANAKO, types))).code).toBe('BAD_REQUEST');
        expect(calls(emulator)).toEqual([]);
      },
    );
  });

  describe('Temporary Access Pass', () => {
    it('creates a one-time pass with the given lifetime and returns its value once', async () => {
      const pass = await directory.createTemporaryAccessPass(HANAKO, { lifetimeInMinutes: 60 });
      const [request] = emulator.requestsFor('createTemporaryAccessPass');
      expect(request?.body).toEqual({ lifetimeInMinutes: 60, isUsableOnce: true });
      expect(calls(emulator)).toEqual([
        `POST /v1.0/users/${HANAKO}/authentication/temporaryAccessPassMethods`,
      ]);
      expect(pass).toEqual({
        requestId: request?.requestId,
        methodId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        temporaryAccessPass: expect.stringMatching(/^.{8}$/),
        lifetimeInMinutes: 60,
        isUsableOnce: true,
        startDateTime: expect.any(String),
        createdDateTime: expect.any(String),
      });
      const stored = emulator.state.methodsOf(HANAKO).find((m) => m.id === pass.methodId);
      expect(stored).toMatchObject({ temporaryAccessPass: null, isUsableOnce: true });
    });

    it.each([0, 9, 43201, 30.5])(
      'refuses a lifetime of %p minutes without calling Graph',
      async (lifetimeInMinutes) => {
        expect(
          (await appError(directory.createTemporaryAccessPass(HANAKO, { lifetimeInMinutes }))).code,
        ).toBe('BAD_REQUEST');
        expect(calls(emulator)).toEqual([]);
      },
    );

    it('reports the tenant policy refusing a lifetime as POLICY_REFUSED', async () => {
      const error = await appError(directory.createTemporaryAccessPass(HANAKO, { lifetimeInMinutes: 600 }));
      expect(error.code).toBe('POLICY_REFUSED');
      expect(error.requestId).toBe(lastRequestId('createTemporaryAccessPass'));
    });

    it('deletes a pass by id, and treats an already deleted one as done', async () => {
      const pass = await directory.createTemporaryAccessPass(HANAKO, { lifetimeInMinutes: 60 });
      emulator.clearRequests();
      const deleted = await directory.deleteTemporaryAccessPass(HANAKO, pass.methodId);
      expect(deleted).toEqual({ requestId: lastRequestId('deleteMethod') });
      expect(calls(emulator)).toEqual([
        `DELETE /v1.0/users/${HANAKO}/authentication/temporaryAccessPassMethods/${pass.methodId}`,
      ]);
      expect(emulator.state.methodsOf(HANAKO).some((m) => m.id === pass.methodId)).toBe(false);
      const again = await directory.deleteTemporaryAccessPass(HANAKO, pass.methodId);
      expect(again).toEqual({ requestId: lastRequestId('deleteMethod') });
      expect(emulator.requestsFor('deleteMethod').map((r) => r.status)).toEqual([204, 404]);
    });
  });

  it('revokes sign-in sessions', async () => {
    const result = await directory.revokeSignInSessions(HANAKO);
    expect(result).toEqual({ requestId: lastRequestId('revokeSignInSessions') });
    expect(calls(emulator)).toEqual([`POST /v1.0/users/${HANAKO}/revokeSignInSessions`]);
    expect(emulator.state.signInSessionsValidFrom(HANAKO)).toBeDefined();
  });

  describe('sendMail', () => {
    it('sends a plain-text notice from the configured mailbox', async () => {
      const result = await directory.sendMail({
        fromMailbox: SENDER_MAILBOX,
        to: ['hanako.yamada@contoso.onmicrosoft.com'],
        cc: ['naoko.ito@contoso.onmicrosoft.com'],
        subject: '多要素認証の設定がリセットされました',
        textBody: 'お心当たりがない場合はヘルプデスクへご連絡ください。',
      });
      expect(result).toEqual({ requestId: lastRequestId('sendMail') });
      const [request] = emulator.requestsFor('sendMail');
      expect(request?.path).toBe(`/v1.0/users/${SENDER_MAILBOX}/sendMail`);
      expect(request?.body).toEqual({
        message: {
          subject: '多要素認証の設定がリセットされました',
          body: { contentType: 'Text', content: 'お心当たりがない場合はヘルプデスクへご連絡ください。' },
          toRecipients: [{ emailAddress: { address: 'hanako.yamada@contoso.onmicrosoft.com' } }],
          ccRecipients: [{ emailAddress: { address: 'naoko.ito@contoso.onmicrosoft.com' } }],
        },
      });
      expect(emulator.sentMails).toHaveLength(1);
    });

    it('fails NOT_FOUND for a mailbox that does not exist', async () => {
      const error = await appError(
        directory.sendMail({
          fromMailbox: 'nobody@contoso.onmicrosoft.com',
          to: ['a@contoso.com'],
          subject: 's',
          textBody: 'b',
        }),
      );
      expect(error.code).toBe('NOT_FOUND');
      expect(emulator.sentMails).toHaveLength(0);
    });
  });

  describe('readBackEndState', () => {
    it('lists the methods and compares the mobile with the expected number without returning it', async () => {
      await directory.setMobilePhone(HANAKO, { countryCode: '81', nationalNumber: '9098765432' });
      emulator.clearRequests();
      const matching = await directory.readBackEndState(HANAKO, {
        expectMobile: { countryCode: '81', nationalNumber: '9098765432' },
      });
      expect(matching.mobileMatchesExpected).toBe(true);
      expect(JSON.stringify(matching)).not.toContain('9098765432');
      const other = await directory.readBackEndState(HANAKO, {
        expectMobile: { countryCode: '81', nationalNumber: '9012345678' },
      });
      expect(other.mobileMatchesExpected).toBe(false);
      const plain = await directory.readBackEndState(HANAKO);
      expect(plain.mobileMatchesExpected).toBeUndefined();
      expect(plain.methods.map((m) => m.type)).toEqual(['password', 'mobile', 'alternateMobile']);
      expect(calls(emulator)).toEqual(Array(3).fill(`GET /v1.0/users/${HANAKO}/authentication/methods`));
    });
  });
});
