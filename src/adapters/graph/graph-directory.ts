/**
 * The Directory port over Microsoft Graph v1.0. Endpoints, bodies and status codes follow the Graph
 * API reference pages named next to each call; the Graph emulator in tools/graph-emulator serves
 * the same pages and the contract tests check both against the reference's examples.
 */
import { GRAPH_TAP_LIFETIME, isGraphTapLifetime } from '../../domain/tap-lifetime';
import type { ErrorCode } from '../../errors';
import { AppError, isAppError } from '../../errors';
import type {
  AuthMethod,
  AuthMethodType,
  CreateTapOptions,
  DeleteMethodsResult,
  DeletionAttempt,
  Directory,
  DirectoryGroup,
  DirectoryUser,
  EndState,
  MutationResult,
  OutgoingMail,
  PhoneNumber,
  PrivilegeGrant,
  PrivilegeGroupLink,
  PrivilegeOptions,
  PrivilegeReport,
  PrivilegeSource,
  SetMobilePhoneResult,
  TemporaryAccessPass,
} from '../../ports/directory';
import type { GraphMethod } from './auth-methods';
import {
  COLLECTION_BY_TYPE,
  DELETION_ORDER,
  PHONE_METHOD_IDS,
  formatPhoneNumber,
  samePhoneNumber,
  toAuthMethod,
} from './auth-methods';
import type { GraphCredentialOptions } from './credential';
import { createCredential } from './credential';
import { GraphHttp } from './graph-http';

export type { GraphCredentialOptions } from './credential';

export interface GraphDirectoryOptions {
  /** `https://graph.microsoft.com` in production; the emulator's `https://127.0.0.1:PORT` in tests. */
  graphBaseUrl: string;
  /** Entra ID authority host; only needed for sovereign clouds and the emulator. */
  authorityHost?: string;
  credential: GraphCredentialOptions;
  /** Per attempt. Default 15 s. */
  timeoutMs?: number;
  /** Automatic retries of 429/503/504, at most 10. Default 3. */
  maxRetries?: number;
  /** A longer Retry-After fails the call THROTTLED instead of waiting. Default 30 s. */
  maxRetryAfterSeconds?: number;
}

export const GRAPH_DEFAULTS = { timeoutMs: 15_000, maxRetries: 3, maxRetryAfterSeconds: 30 } as const;

const USER_SELECT = 'id,displayName,userPrincipalName,mail,department,usageLocation,accountEnabled,userType';
const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CHECK_MEMBER_GROUPS_LIMIT = 20;
/** Graph returns at most this many objects in an expanded directory relationship. */
const EXPANDED_LIMIT = 20;
const TRANSIENT: readonly ErrorCode[] = ['THROTTLED', 'UNAVAILABLE', 'TIMEOUT'];

interface GraphCollection<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

interface GraphUser {
  id: string;
  displayName?: string | null;
  userPrincipalName?: string | null;
  mail?: string | null;
  department?: string | null;
  usageLocation?: string | null;
  accountEnabled?: boolean | null;
  userType?: string | null;
}

interface GraphRoleGrant {
  roleDefinitionId: string;
  roleDefinition?: { displayName?: string | null } | null;
}

interface GraphDirectoryObject {
  '@odata.type'?: string;
  id: string;
  displayName?: string | null;
  isAssignableToRole?: boolean | null;
}

interface GraphPimGroupInstance {
  groupId: string;
  accessId?: string | null;
}

/** `owner` can add members, so it reaches the group's roles as surely as `member`. */
function relationOf(instance: GraphPimGroupInstance): PrivilegeGroupLink['relation'] {
  return instance.accessId === 'member' ? 'member' : 'owner';
}

interface GraphTap {
  id: string;
  temporaryAccessPass?: string | null;
  lifetimeInMinutes?: number;
  isUsableOnce?: boolean;
  startDateTime?: string | null;
  createdDateTime?: string | null;
}

function userPath(userId: string): string {
  // The target is always an Entra object id (from.aadObjectId); anything else is a bug upstream,
  // and refusing it keeps user input out of the URL.
  if (!OBJECT_ID.test(userId))
    throw new AppError('BAD_REQUEST', 'A directory user id must be an object id (GUID)');
  return `/users/${userId}`;
}

function toUser(user: GraphUser): DirectoryUser {
  return {
    id: user.id,
    displayName: user.displayName ?? '',
    userPrincipalName: user.userPrincipalName ?? '',
    mail: user.mail ?? undefined,
    department: user.department ?? undefined,
    usageLocation: user.usageLocation ?? undefined,
    accountEnabled: user.accountEnabled ?? false,
    userType: user.userType === 'Member' || user.userType === 'Guest' ? user.userType : undefined,
  };
}

function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export class GraphDirectory implements Directory {
  constructor(private readonly http: GraphHttp) {}

  /** user-get.md; department, usageLocation, accountEnabled and userType need `$select`. */
  async getUser(userId: string): Promise<DirectoryUser> {
    const { body } = await this.http.call<GraphUser>({
      method: 'GET',
      path: userPath(userId),
      query: { $select: USER_SELECT },
      operation: 'get user',
    });
    return toUser(body as GraphUser);
  }

  /** user-list-manager.md. Graph answers 404 both for "no manager" and "no such user". */
  async getManager(userId: string): Promise<DirectoryUser | undefined> {
    try {
      const { body } = await this.http.call<GraphUser>({
        method: 'GET',
        path: `${userPath(userId)}/manager`,
        query: { $select: USER_SELECT },
        operation: 'get manager',
      });
      return toUser(body as GraphUser);
    } catch (error) {
      if (!isAppError(error, 'NOT_FOUND')) throw error;
      await this.getUser(userId);
      return undefined;
    }
  }

  /** directoryobject-checkmembergroups.md: transitive, at most 20 group ids per call. */
  async memberOfGroups(userId: string, groupIds: readonly string[]): Promise<ReadonlySet<string>> {
    const path = `${userPath(userId)}/checkMemberGroups`;
    const unique = [...new Set(groupIds)];
    const found = new Set<string>();
    for (let i = 0; i < unique.length; i += CHECK_MEMBER_GROUPS_LIMIT) {
      const chunk = unique.slice(i, i + CHECK_MEMBER_GROUPS_LIMIT);
      const { body } = await this.http.call<GraphCollection<string>>({
        method: 'POST',
        path,
        body: { groupIds: chunk },
        operation: 'check member groups',
      });
      for (const id of body?.value ?? []) found.add(id.toLowerCase());
    }
    // Answer in the caller's spelling of the ids.
    return new Set(unique.filter((id) => found.has(id.toLowerCase())));
  }

  /**
   * Read in parallel, once per call: the user's active roles (rbacapplication-list-roleassignments.md)
   * and PIM eligibilities (rbacapplication-list-roleeligibilityscheduleinstances.md), memberships
   * (user-list-transitivememberof.md), PIM for Groups eligibilities and active assignments
   * (privilegedaccessgroup-list-eligibilityscheduleinstances.md, …-assignmentscheduleinstances.md),
   * and the tenant's role-assignable groups with their owners (group-list.md; ownedObjects has no
   * application permission). Then the roles of each role-assignable group the user reaches.
   * Any failed read fails the whole call.
   */
  getPrivilege(userId: string, options: PrivilegeOptions = {}): Promise<PrivilegeReport> {
    // Every read below is needed for the report (one that fails makes the privilege unknown), so
    // they may wait for each other: each wave travels as one Graph batch.
    return this.http.together(() => this.readPrivilege(userId, options));
  }

  private async readPrivilege(userId: string, options: PrivilegeOptions): Promise<PrivilegeReport> {
    const byPrincipal = { $filter: `principalId eq ${odataString(userId)}` };
    const [direct, memberships, pimEligible, pimActive, assignable] = await Promise.all([
      this.grantsOf(userId, { kind: 'direct' }),
      this.listAll<GraphDirectoryObject>(
        `${userPath(userId)}/transitiveMemberOf`,
        // No $filter: on transitiveMemberOf it is an advanced query (ConsistencyLevel: eventual, an
        // index that may lag); reading the memberships and filtering here is exact.
        { $select: 'id,displayName,isAssignableToRole', $top: '999' },
        'list memberships',
      ),
      this.listAll<GraphPimGroupInstance>(
        '/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances',
        byPrincipal,
        'list group eligibilities',
      ),
      this.listAll<GraphPimGroupInstance>(
        '/identityGovernance/privilegedAccess/group/assignmentScheduleInstances',
        byPrincipal,
        'list group assignments',
      ),
      this.roleAssignableGroups(),
    ]);
    const assignableById = new Map(assignable.map((group) => [group.id.toLowerCase(), group]));
    const links: PrivilegeGroupLink[] = [];
    const link = (
      groupId: string,
      relation: PrivilegeGroupLink['relation'],
      assignment: PrivilegeGroupLink['assignment'],
    ) => {
      const group = assignableById.get(groupId.toLowerCase());
      if (group === undefined) return;
      if (links.some((l) => l.groupId === group.id && l.relation === relation && l.assignment === assignment))
        return;
      links.push({ groupId: group.id, groupName: group.displayName ?? '', relation, assignment });
    };
    const groupMemberships = memberships.filter((m) => m['@odata.type'] === '#microsoft.graph.group');
    for (const group of groupMemberships) link(group.id, 'member', 'active');
    for (const instance of pimActive) link(instance.groupId, relationOf(instance), 'active');
    for (const instance of pimEligible) link(instance.groupId, relationOf(instance), 'eligible');
    const me = userId.toLowerCase();
    for (const group of assignable) {
      if (group.ownerIds.some((id) => id.toLowerCase() === me)) link(group.id, 'owner', 'active');
    }
    const linkedGroups = [...new Map(links.map((l) => [l.groupId, l])).values()];
    const viaGroups = await Promise.all(
      linkedGroups.map((l) =>
        this.grantsOf(l.groupId, { kind: 'group', groupId: l.groupId, groupName: l.groupName }),
      ),
    );
    // A PIM-eligible approver is an approver: eligibilities count for the key-holder groups too.
    const reachable = new Set(
      [
        ...groupMemberships.map((g) => g.id),
        ...pimActive.map((i) => i.groupId),
        ...pimEligible.map((i) => i.groupId),
      ].map((id) => id.toLowerCase()),
    );
    const keyHolderGroupIds = [...new Set(options.keyHolderGroupIds ?? [])].filter((id) =>
      reachable.has(id.toLowerCase()),
    );
    const grants = [...direct, ...viaGroups.flat()];
    return {
      privileged: grants.length > 0 || links.length > 0 || keyHolderGroupIds.length > 0,
      grants,
      groupLinks: links,
      keyHolderGroupIds,
    };
  }

  /** group-get.md */
  async getGroup(groupId: string): Promise<DirectoryGroup> {
    if (!OBJECT_ID.test(groupId)) throw new AppError('BAD_REQUEST', 'A group id must be an object id (GUID)');
    const { body } = await this.http.call<GraphDirectoryObject>({
      method: 'GET',
      path: `/groups/${groupId}`,
      query: { $select: 'id,displayName,isAssignableToRole' },
      operation: 'get group',
    });
    return {
      id: body?.id ?? groupId,
      displayName: body?.displayName ?? '',
      isAssignableToRole: body?.isAssignableToRole === true,
    };
  }

  private async grantsOf(principalId: string, via: PrivilegeSource): Promise<PrivilegeGrant[]> {
    const query = { $filter: `principalId eq ${odataString(principalId)}`, $expand: 'roleDefinition' };
    const [active, eligible] = await Promise.all([
      this.listAll<GraphRoleGrant>(
        '/roleManagement/directory/roleAssignments',
        query,
        'list role assignments',
      ),
      this.listAll<GraphRoleGrant>(
        '/roleManagement/directory/roleEligibilityScheduleInstances',
        query,
        'list role eligibilities',
      ),
    ]);
    const grant =
      (assignment: 'active' | 'eligible') =>
      (item: GraphRoleGrant): PrivilegeGrant => ({
        assignment,
        roleDefinitionId: item.roleDefinitionId,
        roleName: item.roleDefinition?.displayName ?? undefined,
        via,
      });
    return [...active.map(grant('active')), ...eligible.map(grant('eligible'))];
  }

  /**
   * The tenant's role-assignable groups (at most 500 per tenant) with their owners. An expanded
   * relationship holds at most 20 objects, so a group showing 20 has its owners read in full.
   */
  private async roleAssignableGroups(): Promise<Array<GraphDirectoryObject & { ownerIds: string[] }>> {
    const groups = await this.listAll<GraphDirectoryObject & { owners?: Array<{ id: string }> | null }>(
      '/groups',
      { $filter: 'isAssignableToRole eq true', $select: 'id,displayName', $expand: 'owners($select=id)' },
      'list role-assignable groups',
    );
    return Promise.all(
      groups.map(async (group) => {
        let owners = group.owners ?? [];
        if (owners.length >= EXPANDED_LIMIT) {
          owners = await this.listAll<{ id: string }>(
            `/groups/${encodeURIComponent(group.id)}/owners`,
            { $select: 'id' },
            'list group owners',
          );
        }
        return { ...group, ownerIds: owners.map((owner) => owner.id) };
      }),
    );
  }

  private async listAll<T>(path: string, query: Record<string, string>, operation: string): Promise<T[]> {
    const items: T[] = [];
    let next: { path: string; query?: Record<string, string> } | undefined = { path, query };
    while (next !== undefined) {
      const page: { body: GraphCollection<T> | undefined } = await this.http.call<GraphCollection<T>>({
        method: 'GET',
        path: next.path,
        query: next.query,
        operation,
      });
      items.push(...(page.body?.value ?? []));
      const link = page.body?.['@odata.nextLink'];
      // nextLink is absolute and already encoded; keep only the part under /v1.0.
      next =
        link === undefined
          ? undefined
          : { path: new URL(link).pathname.replace(/^\/v1\.0/, '') + new URL(link).search };
    }
    return items;
  }

  private async rawMethods(userId: string): Promise<GraphMethod[]> {
    const { body } = await this.http.call<GraphCollection<GraphMethod>>({
      method: 'GET',
      path: `${userPath(userId)}/authentication/methods`,
      operation: 'list authentication methods',
    });
    return body?.value ?? [];
  }

  /** authentication-list-methods.md */
  async listMethods(userId: string): Promise<AuthMethod[]> {
    return (await this.rawMethods(userId)).map(toAuthMethod);
  }

  /**
   * phoneauthenticationmethod-update.md when a mobile exists (204), otherwise
   * authentication-post-phonemethods.md (201). Updating in place keeps the method the default if
   * it was, which delete-then-add would not.
   */
  async setMobilePhone(userId: string, phone: PhoneNumber): Promise<SetMobilePhoneResult> {
    const phoneNumber = formatPhoneNumber(phone);
    const base = `${userPath(userId)}/authentication/phoneMethods`;
    const { body } = await this.http.call<GraphCollection<GraphMethod>>({
      method: 'GET',
      path: base,
      operation: 'list phone methods',
    });
    const hasMobile = (body?.value ?? []).some((m) => m.phoneType === 'mobile');
    if (hasMobile) {
      const { requestId } = await this.http.call({
        method: 'PATCH',
        path: `${base}/${PHONE_METHOD_IDS.mobile}`,
        body: { phoneNumber, phoneType: 'mobile' },
        operation: 'update mobile phone',
      });
      return { action: 'updated', requestId };
    }
    const { requestId } = await this.http.call({
      method: 'POST',
      path: base,
      body: { phoneNumber, phoneType: 'mobile' },
      operation: 'add mobile phone',
    });
    return { action: 'added', requestId };
  }

  /** The delete page of each method type; see the port for the order and the stopping rule. */
  async deleteMethods(userId: string, types: readonly AuthMethodType[]): Promise<DeleteMethodsResult> {
    const refused = types.filter((t) => COLLECTION_BY_TYPE[t] === undefined);
    if (refused.length > 0) {
      throw new AppError('BAD_REQUEST', `These method types are never deleted: ${refused.join(', ')}`);
    }
    const wanted = new Set(types);
    const rank = (type: AuthMethodType): number => DELETION_ORDER.indexOf(type);
    let pending = (await this.listMethods(userId))
      .filter((m) => wanted.has(m.type))
      .sort((a, b) => rank(a.type) - rank(b.type));

    const attempts: DeletionAttempt[] = [];
    const removed: DeleteMethodsResult['removed'] = [];
    const lastError = new Map<string, ErrorCode>();
    let progressed = true;
    while (pending.length > 0 && progressed) {
      progressed = false;
      const retryLater: AuthMethod[] = [];
      for (const [index, method] of pending.entries()) {
        const attempt = await this.deleteOne(userId, method);
        attempts.push(attempt);
        if (attempt.outcome === 'deleted' || attempt.outcome === 'alreadyAbsent') {
          removed.push({ type: method.type, id: method.id });
          progressed = true;
          continue;
        }
        const code = attempt.errorCode ?? 'INTERNAL';
        lastError.set(method.id, code);
        if (TRANSIENT.includes(code)) {
          const untried = [...retryLater, ...pending.slice(index)];
          return {
            attempts,
            removed,
            failed: untried.map((m) => ({ type: m.type, id: m.id, errorCode: lastError.get(m.id) ?? code })),
            stoppedEarly: true,
          };
        }
        // A refusal may only hold while other methods remain (the default, or a mobile behind an
        // alternateMobile), so it gets another pass once the others are gone.
        retryLater.push(method);
      }
      pending = retryLater;
    }
    return {
      attempts,
      removed,
      failed: pending.map((m) => ({ type: m.type, id: m.id, errorCode: lastError.get(m.id) ?? 'INTERNAL' })),
      stoppedEarly: false,
    };
  }

  private async deleteOne(userId: string, method: AuthMethod): Promise<DeletionAttempt> {
    const collection = COLLECTION_BY_TYPE[method.type] as string;
    const base = { methodType: method.type, methodId: method.id };
    try {
      const { requestId } = await this.http.call({
        method: 'DELETE',
        path: `${userPath(userId)}/authentication/${collection}/${encodeURIComponent(method.id)}`,
        operation: `delete ${method.type} method`,
      });
      return { ...base, outcome: 'deleted', requestId };
    } catch (error) {
      if (!isAppError(error)) throw error;
      if (error.code === 'NOT_FOUND')
        return { ...base, outcome: 'alreadyAbsent', requestId: error.requestId };
      const retryable = error.code === 'DEFAULT_METHOD_REFUSED' || error.code === 'BAD_REQUEST';
      return {
        ...base,
        outcome: retryable ? 'deferred' : 'failed',
        requestId: error.requestId,
        errorCode: error.code,
      };
    }
  }

  /**
   * authentication-post-temporaryaccesspassmethods.md. Sent once, with the client's retry turned
   * off: a retried create would replace the pass the first one made, and the first may already be
   * on its way to the person.
   */
  async createTemporaryAccessPass(userId: string, options: CreateTapOptions): Promise<TemporaryAccessPass> {
    const lifetime = options.lifetimeInMinutes;
    if (!isGraphTapLifetime(lifetime)) {
      const { minMinutes, maxMinutes } = GRAPH_TAP_LIFETIME;
      throw new AppError('BAD_REQUEST', `A pass lifetime must be ${minMinutes}–${maxMinutes} minutes`);
    }
    const { body, requestId } = await this.http.call<GraphTap>({
      method: 'POST',
      path: `${userPath(userId)}/authentication/temporaryAccessPassMethods`,
      body: { lifetimeInMinutes: lifetime, isUsableOnce: true },
      retry: false,
      operation: 'create temporary access pass',
      // The lifetime is checked above, so a 400 here is the tenant's TAP policy saying no.
      codeForStatus: { 400: 'POLICY_REFUSED' },
    });
    if (
      body === undefined ||
      typeof body.temporaryAccessPass !== 'string' ||
      body.temporaryAccessPass === ''
    ) {
      throw new AppError('INTERNAL', 'Graph created a Temporary Access Pass but returned no value', {
        requestId,
      });
    }
    return {
      requestId,
      methodId: body.id,
      temporaryAccessPass: body.temporaryAccessPass,
      lifetimeInMinutes: body.lifetimeInMinutes ?? lifetime,
      // Only Graph saying so counts: the caller refuses a pass that could be used twice.
      isUsableOnce: body.isUsableOnce === true,
      startDateTime: body.startDateTime ?? undefined,
      createdDateTime: body.createdDateTime ?? undefined,
    };
  }

  /** temporaryaccesspassauthenticationmethod-delete.md; already gone counts as done. */
  async deleteTemporaryAccessPass(userId: string, methodId: string): Promise<MutationResult> {
    try {
      const { requestId } = await this.http.call({
        method: 'DELETE',
        path: `${userPath(userId)}/authentication/temporaryAccessPassMethods/${encodeURIComponent(methodId)}`,
        operation: 'delete temporary access pass',
      });
      return { requestId };
    } catch (error) {
      if (isAppError(error, 'NOT_FOUND')) return { requestId: error.requestId };
      throw error;
    }
  }

  /** user-revokesigninsessions.md (200 with `value: true`; a known issue has it answer 204). */
  async revokeSignInSessions(userId: string): Promise<MutationResult> {
    const { requestId } = await this.http.call({
      method: 'POST',
      path: `${userPath(userId)}/revokeSignInSessions`,
      operation: 'revoke sign-in sessions',
    });
    return { requestId };
  }

  /** user-sendmail.md (JSON form, 202 Accepted). */
  async sendMail(mail: OutgoingMail): Promise<MutationResult> {
    if (mail.to.length === 0) throw new AppError('BAD_REQUEST', 'A notice needs at least one recipient');
    const recipients = (addresses: readonly string[]) =>
      addresses.map((address) => ({ emailAddress: { address } }));
    const message: Record<string, unknown> = {
      subject: mail.subject,
      body: { contentType: 'Text', content: mail.textBody },
      toRecipients: recipients(mail.to),
    };
    if (mail.cc !== undefined && mail.cc.length > 0) message.ccRecipients = recipients(mail.cc);
    const { requestId } = await this.http.call({
      method: 'POST',
      // Written as in the reference (`/users/kim@contoso.com/...`), everything else escaped.
      path: `/users/${encodeURIComponent(mail.fromMailbox).replace(/%40/g, '@')}/sendMail`,
      body: { message },
      operation: 'send mail',
    });
    return { requestId };
  }

  async readBackEndState(userId: string, options: { expectMobile?: PhoneNumber } = {}): Promise<EndState> {
    const raw = await this.rawMethods(userId);
    const expected = options.expectMobile;
    return {
      methods: raw.map(toAuthMethod),
      mobileMatchesExpected:
        expected === undefined
          ? undefined
          : raw.some((m) => toAuthMethod(m).type === 'mobile' && samePhoneNumber(m.phoneNumber, expected)),
    };
  }
}

export function createGraphDirectory(options: GraphDirectoryOptions): Directory {
  const http = new GraphHttp({
    graphBaseUrl: options.graphBaseUrl,
    credential: createCredential(options.credential, options.authorityHost),
    timeoutMs: options.timeoutMs ?? GRAPH_DEFAULTS.timeoutMs,
    maxRetries: options.maxRetries ?? GRAPH_DEFAULTS.maxRetries,
    maxRetryAfterSeconds: options.maxRetryAfterSeconds ?? GRAPH_DEFAULTS.maxRetryAfterSeconds,
  });
  return new GraphDirectory(http);
}
