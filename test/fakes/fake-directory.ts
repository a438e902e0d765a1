import { randomBytes, randomUUID } from 'node:crypto';
import { AppError } from '../../src/errors';
import type {
  AuthMethod,
  AuthMethodType,
  CreateTapOptions,
  DeleteMethodsResult,
  Directory,
  DirectoryGroup,
  DirectoryUser,
  EndState,
  MutationResult,
  OutgoingMail,
  PhoneNumber,
  PrivilegeOptions,
  PrivilegeReport,
  SetMobilePhoneResult,
  TemporaryAccessPass,
} from '../../src/ports/directory';
import { DEMO } from '../support/test-config';

function user(id: string, displayName: string, upn: string, department = '営業部'): DirectoryUser {
  return {
    id,
    displayName,
    userPrincipalName: `${upn}@contoso.onmicrosoft.com`,
    mail: `${upn}@contoso.onmicrosoft.com`,
    department,
    usageLocation: 'JP',
    accountEnabled: true,
    userType: 'Member',
  };
}

/** A registered method as Graph would list it; phone types get a masked number like Graph's adapter. */
export function registeredMethod(type: AuthMethodType, displayName?: string): AuthMethod {
  return {
    type,
    id: randomUUID(),
    maskedDetail:
      type === 'mobile' || type === 'alternateMobile' || type === 'office' ? '+81 ********78' : undefined,
    displayName,
    createdDateTime: undefined,
    odataType: '',
  };
}

/**
 * An in-memory directory for tests that are about the bot, not about Graph (those use the Graph
 * emulator). It keeps state, so a test can change group membership or privilege between clicks,
 * and `unavailable` makes every call fail as if Graph were down.
 */
export class FakeDirectory implements Directory {
  readonly users = new Map<string, DirectoryUser>([
    [DEMO.users.hanako, user(DEMO.users.hanako, '山田 花子', 'hanako.yamada')],
    [DEMO.users.misaki, user(DEMO.users.misaki, '田中 美咲', 'misaki.tanaka')],
    [DEMO.users.makoto, user(DEMO.users.makoto, '高橋 誠', 'makoto.takahashi', '情報システム部')],
    [DEMO.users.ken, user(DEMO.users.ken, '佐藤 健', 'ken.sato', '情報システム部')],
    [DEMO.users.emily, user(DEMO.users.emily, 'Emily Clark', 'emily.clark', 'IT')],
    [DEMO.users.naoko, user(DEMO.users.naoko, '伊藤 直子', 'naoko.ito')],
  ]);
  readonly managers = new Map<string, string>([[DEMO.users.hanako, DEMO.users.naoko]]);
  readonly groups = new Map<string, Set<string>>([
    [DEMO.approverGroupId, new Set([DEMO.users.ken, DEMO.users.emily])],
    [DEMO.reviewerGroupId, new Set([DEMO.users.ichiro])],
  ]);
  /** Groups that only a Privileged Role Administrator can change. */
  readonly roleAssignableGroups = new Set<string>();
  readonly privileged = new Map<string, string>([[DEMO.users.makoto, 'Global Administrator']]);
  readonly methods = new Map<string, AuthMethod[]>([
    [
      DEMO.users.hanako,
      [
        {
          type: 'password',
          id: '28c10230-6103-485e-b985-444c60001490',
          maskedDetail: undefined,
          displayName: undefined,
          createdDateTime: undefined,
          odataType: '#microsoft.graph.passwordAuthenticationMethod',
        },
        {
          type: 'mobile',
          id: '3179e48a-750b-4051-897c-87b9720928f7',
          maskedDetail: '+81 ********78',
          displayName: undefined,
          createdDateTime: undefined,
          odataType: '#microsoft.graph.phoneAuthenticationMethod',
        },
      ],
    ],
  ]);
  readonly sentMails: OutgoingMail[] = [];
  unavailable = false;
  /** `listMethods` never answers, like a Graph call that hangs. */
  stalled = false;
  calls = 0;
  /** Which users' methods were listed, in order. */
  readonly listMethodsCalls: string[] = [];

  private check(userId: string): void {
    this.calls += 1;
    if (this.unavailable) throw new AppError('UNAVAILABLE', 'Graph is down (fake)');
    if (!this.users.has(userId)) throw new AppError('NOT_FOUND', `no user ${userId}`);
  }

  async getUser(userId: string): Promise<DirectoryUser> {
    this.check(userId);
    return { ...(this.users.get(userId) as DirectoryUser) };
  }

  async getManager(userId: string): Promise<DirectoryUser | undefined> {
    this.check(userId);
    const manager = this.managers.get(userId);
    return manager ? this.users.get(manager) : undefined;
  }

  async memberOfGroups(userId: string, groupIds: readonly string[]): Promise<ReadonlySet<string>> {
    this.calls += 1;
    if (this.unavailable) throw new AppError('UNAVAILABLE', 'Graph is down (fake)');
    return new Set(groupIds.filter((groupId) => this.groups.get(groupId)?.has(userId) === true));
  }

  async getGroup(groupId: string): Promise<DirectoryGroup> {
    this.calls += 1;
    if (this.unavailable) throw new AppError('UNAVAILABLE', 'Graph is down (fake)');
    if (!this.groups.has(groupId)) throw new AppError('NOT_FOUND', `no group ${groupId}`);
    return { id: groupId, displayName: groupId, isAssignableToRole: this.roleAssignableGroups.has(groupId) };
  }

  async getPrivilege(userId: string, options: PrivilegeOptions = {}): Promise<PrivilegeReport> {
    this.check(userId);
    const role = this.privileged.get(userId);
    const keyHolderGroupIds = (options.keyHolderGroupIds ?? []).filter(
      (groupId) => this.groups.get(groupId)?.has(userId) === true,
    );
    return role
      ? {
          privileged: true,
          groupLinks: [],
          keyHolderGroupIds,
          grants: [
            {
              assignment: 'active',
              roleDefinitionId: '62e90394-69f5-4237-9190-012177145e10',
              roleName: role,
              via: { kind: 'direct' },
            },
          ],
        }
      : { privileged: keyHolderGroupIds.length > 0, grants: [], groupLinks: [], keyHolderGroupIds };
  }

  async listMethods(userId: string): Promise<AuthMethod[]> {
    this.listMethodsCalls.push(userId);
    if (this.stalled) return new Promise<never>(() => undefined);
    this.check(userId);
    return [...(this.methods.get(userId) ?? [])];
  }

  async setMobilePhone(userId: string, phone: PhoneNumber): Promise<SetMobilePhoneResult> {
    this.check(userId);
    const list = (this.methods.get(userId) ?? []).filter((method) => method.type !== 'mobile');
    list.push({
      type: 'mobile',
      id: '3179e48a-750b-4051-897c-87b9720928f7',
      maskedDetail: `+${phone.countryCode} ********${phone.nationalNumber.slice(-2)}`,
      displayName: undefined,
      createdDateTime: undefined,
      odataType: '#microsoft.graph.phoneAuthenticationMethod',
    });
    this.methods.set(userId, list);
    return { action: 'updated', requestId: randomUUID() };
  }

  async deleteMethods(userId: string, types: readonly AuthMethodType[]): Promise<DeleteMethodsResult> {
    this.check(userId);
    const list = this.methods.get(userId) ?? [];
    const removed = list.filter((method) => types.includes(method.type) && method.type !== 'password');
    this.methods.set(
      userId,
      list.filter((method) => !removed.includes(method)),
    );
    return {
      attempts: removed.map((method) => ({
        methodType: method.type,
        methodId: method.id,
        outcome: 'deleted',
        requestId: randomUUID(),
      })),
      removed: removed.map((method) => ({ type: method.type, id: method.id })),
      failed: [],
      stoppedEarly: false,
    };
  }

  async createTemporaryAccessPass(userId: string, options: CreateTapOptions): Promise<TemporaryAccessPass> {
    this.check(userId);
    const methodId = randomUUID();
    const list = (this.methods.get(userId) ?? []).filter((method) => method.type !== 'temporaryAccessPass');
    list.push({
      type: 'temporaryAccessPass',
      id: methodId,
      maskedDetail: undefined,
      displayName: undefined,
      createdDateTime: new Date().toISOString(),
      odataType: '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
    });
    this.methods.set(userId, list);
    return {
      requestId: randomUUID(),
      methodId,
      temporaryAccessPass: randomBytes(9).toString('base64url'),
      lifetimeInMinutes: options.lifetimeInMinutes,
      isUsableOnce: true,
      startDateTime: new Date().toISOString(),
      createdDateTime: new Date().toISOString(),
    };
  }

  async deleteTemporaryAccessPass(userId: string, methodId: string): Promise<MutationResult> {
    this.check(userId);
    this.methods.set(
      userId,
      (this.methods.get(userId) ?? []).filter((method) => method.id !== methodId),
    );
    return { requestId: randomUUID() };
  }

  async revokeSignInSessions(userId: string): Promise<MutationResult> {
    this.check(userId);
    return { requestId: randomUUID() };
  }

  async sendMail(mail: OutgoingMail): Promise<MutationResult> {
    this.calls += 1;
    if (this.unavailable) throw new AppError('UNAVAILABLE', 'Graph is down (fake)');
    this.sentMails.push(mail);
    return { requestId: randomUUID() };
  }

  async readBackEndState(userId: string): Promise<EndState> {
    return { methods: await this.listMethods(userId), mobileMatchesExpected: undefined };
  }
}
