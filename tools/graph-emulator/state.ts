/**
 * The emulator's in-memory directory and the rules Graph enforces on it. Each rule names the Graph
 * reference page it comes from; where the reference says a call fails but not with which status,
 * the emulator answers 400 badRequest and says so (UNDOCUMENTED_STATUS).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { SeedDirectory, SeedGroup, SeedMethod, SeedPimGroupInstance, SeedUser, TapPolicy } from './seed';
import { DEFAULT_TAP_POLICY, PASSWORD_METHOD_ID, PHONE_TYPE_IDS, validateSeed } from './seed';

export class GraphFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * Marks failures the reference describes ("will fail", "can't be deleted") without naming the
 * status. 400 is Graph's generic answer for a request that is "malformed or incorrect" (errors.md).
 */
const UNDOCUMENTED_STATUS = 400;

/** Expanded directory-object relationships return at most this many objects. */
const EXPAND_LIMIT = 20;

const ODATA = {
  phone: '#microsoft.graph.phoneAuthenticationMethod',
  password: '#microsoft.graph.passwordAuthenticationMethod',
  tap: '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
  user: '#microsoft.graph.user',
  group: '#microsoft.graph.group',
  directoryRole: '#microsoft.graph.directoryRole',
} as const;

/** URL segment under /authentication → the @odata.type it holds. */
export const METHOD_COLLECTIONS: Record<string, string> = {
  phoneMethods: ODATA.phone,
  microsoftAuthenticatorMethods: '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod',
  softwareOathMethods: '#microsoft.graph.softwareOathAuthenticationMethod',
  fido2Methods: '#microsoft.graph.fido2AuthenticationMethod',
  windowsHelloForBusinessMethods: '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod',
  emailMethods: '#microsoft.graph.emailAuthenticationMethod',
  temporaryAccessPassMethods: ODATA.tap,
  passwordMethods: ODATA.password,
};

/** phoneauthenticationmethod resource: `+{country code} {number}x{extension}`, extension optional. */
const PHONE_NUMBER_FORMAT = /^\+[1-9]\d{0,2} \d{4,15}(x\d{1,10})?$/;

/** Graph's default property set for a user (user-get.md). */
const DEFAULT_USER_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
] as const;

interface UserRecord {
  seed: SeedUser;
  methods: SeedMethod[];
  passwordCreatedDateTime: string;
  defaultMethodId: string | undefined;
  signInSessionsValidFromDateTime: string | undefined;
}

export interface SentMail {
  /** The mailbox in the URL (`/users/{id | userPrincipalName}/sendMail`). */
  from: string;
  message: Record<string, unknown>;
  saveToSentItems: boolean;
  sentAt: string;
}

export function notFound(what: string): GraphFailure {
  // The message Graph's directory service gives for an unknown object.
  return new GraphFailure(
    404,
    'Request_ResourceNotFound',
    `Resource '${what}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

function badRequest(message: string, code = 'badRequest'): GraphFailure {
  return new GraphFailure(UNDOCUMENTED_STATUS, code, message);
}

function pick(source: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = source[key] ?? null;
  return out;
}

export class EmulatorState {
  readonly tenantId: string;
  readonly clients: SeedDirectory['clients'];
  readonly sentMails: SentMail[] = [];
  private readonly users = new Map<string, UserRecord>();
  private readonly groups = new Map<string, SeedGroup>();
  private readonly seed: SeedDirectory;
  private tapPolicy: TapPolicy;

  constructor(seed: SeedDirectory) {
    this.seed = validateSeed(structuredClone(seed));
    this.tenantId = this.seed.tenantId;
    this.clients = this.seed.clients;
    this.tapPolicy = { ...DEFAULT_TAP_POLICY, ...this.seed.temporaryAccessPassPolicy };
    const created = '2024-04-01T00:00:00Z';
    for (const user of this.seed.users) {
      this.users.set(user.id.toLowerCase(), {
        seed: user,
        methods: structuredClone(user.methods ?? []),
        passwordCreatedDateTime: created,
        defaultMethodId: user.defaultMethodId,
        signInSessionsValidFromDateTime: undefined,
      });
    }
    for (const group of this.seed.groups ?? []) this.groups.set(group.id.toLowerCase(), group);
  }

  // --- users -------------------------------------------------------------------------------

  private user(idOrUpn: string): UserRecord {
    const key = decodeURIComponent(idOrUpn).toLowerCase();
    const direct = this.users.get(key);
    if (direct !== undefined) return direct;
    for (const record of this.users.values()) {
      if (record.seed.userPrincipalName.toLowerCase() === key) return record;
    }
    throw notFound(idOrUpn);
  }

  hasUser(idOrUpn: string): boolean {
    try {
      this.user(idOrUpn);
      return true;
    } catch {
      return false;
    }
  }

  private userJson(seed: SeedUser): Record<string, unknown> {
    return {
      id: seed.id,
      displayName: seed.displayName,
      givenName: seed.givenName ?? null,
      surname: seed.surname ?? null,
      userPrincipalName: seed.userPrincipalName,
      mail: seed.mail ?? null,
      jobTitle: seed.jobTitle ?? null,
      department: seed.department ?? null,
      officeLocation: seed.officeLocation ?? null,
      mobilePhone: seed.mobilePhone ?? null,
      businessPhones: seed.businessPhones ?? [],
      preferredLanguage: seed.preferredLanguage ?? null,
      usageLocation: seed.usageLocation ?? null,
      accountEnabled: seed.accountEnabled ?? true,
      userType: seed.userType ?? 'Member',
    };
  }

  /** user-get.md: default properties unless `$select` names others. */
  getUser(idOrUpn: string, select: readonly string[] | undefined): Record<string, unknown> {
    const json = this.userJson(this.user(idOrUpn).seed);
    return pick(json, select ?? DEFAULT_USER_PROPERTIES);
  }

  getManager(idOrUpn: string, select: readonly string[] | undefined): Record<string, unknown> {
    const record = this.user(idOrUpn);
    if (record.seed.managerId === undefined) throw notFound('manager');
    const manager = this.user(record.seed.managerId);
    return {
      '@odata.type': ODATA.user,
      ...pick(this.userJson(manager.seed), select ?? DEFAULT_USER_PROPERTIES),
    };
  }

  // --- groups and roles -------------------------------------------------------------------

  /** Every group the object is in, directly or through nested groups. */
  private transitiveGroups(objectId: string): SeedGroup[] {
    const found = new Map<string, SeedGroup>();
    const queue = [objectId.toLowerCase()];
    while (queue.length > 0) {
      const current = queue.shift() as string;
      for (const group of this.groups.values()) {
        const key = group.id.toLowerCase();
        if (!found.has(key) && group.members.some((m) => m.toLowerCase() === current)) {
          found.set(key, group);
          queue.push(key);
        }
      }
    }
    return [...found.values()];
  }

  /** directoryobject-checkmembergroups.md: transitive; at most 20 ids per request. */
  checkMemberGroups(idOrUpn: string, groupIds: unknown): string[] {
    if (!Array.isArray(groupIds) || groupIds.some((id) => typeof id !== 'string')) {
      throw badRequest("Invalid request: 'groupIds' must be a collection of strings.", 'Request_BadRequest');
    }
    if (groupIds.length > 20) {
      throw badRequest('The number of groupIds must not exceed 20.', 'Request_BadRequest');
    }
    const user = this.user(idOrUpn);
    const memberOf = new Set(this.transitiveGroups(user.seed.id).map((g) => g.id.toLowerCase()));
    return (groupIds as string[]).filter((id) => memberOf.has(id.toLowerCase()));
  }

  private groupJson(group: SeedGroup): Record<string, unknown> {
    return {
      '@odata.type': ODATA.group,
      id: group.id,
      displayName: group.displayName,
      description: group.description ?? null,
      isAssignableToRole: group.isAssignableToRole ?? null,
      mailEnabled: group.mailEnabled ?? false,
      mailNickname: group.mailNickname ?? group.displayName.replace(/[^A-Za-z0-9]/g, '').slice(0, 64),
      securityEnabled: group.securityEnabled ?? true,
    };
  }

  /**
   * user-list-transitivememberof.md: groups, directory roles and administrative units. Active role
   * assignments show up as directoryRole objects, as they do in Graph.
   */
  transitiveMemberOf(idOrUpn: string): Array<Record<string, unknown>> {
    const user = this.user(idOrUpn);
    const groups = this.transitiveGroups(user.seed.id);
    const principals = new Set([user.seed.id, ...groups.map((g) => g.id)].map((id) => id.toLowerCase()));
    const roles = new Map<string, Record<string, unknown>>();
    for (const assignment of this.seed.roleAssignments ?? []) {
      if (!principals.has(assignment.principalId.toLowerCase())) continue;
      const definition = this.roleDefinition(assignment.roleDefinitionId);
      roles.set(assignment.roleDefinitionId, {
        '@odata.type': ODATA.directoryRole,
        // A directoryRole's id is its own, not the template's; derive a stable one.
        id: stableGuid(`directoryRole:${assignment.roleDefinitionId}`),
        displayName: definition?.displayName ?? null,
        description: definition?.description ?? null,
        roleTemplateId: assignment.roleDefinitionId,
      });
    }
    return [...groups.map((g) => this.groupJson(g)), ...roles.values()];
  }

  private roleDefinition(id: string): Record<string, unknown> | undefined {
    const definition = (this.seed.roleDefinitions ?? []).find((d) => d.id === id);
    if (definition === undefined) return undefined;
    return {
      id: definition.id,
      displayName: definition.displayName,
      description: definition.description ?? null,
      isBuiltIn: definition.isBuiltIn ?? true,
      isEnabled: true,
      templateId: definition.id,
    };
  }

  private principalJson(id: string): Record<string, unknown> | null {
    const group = this.groups.get(id.toLowerCase());
    if (group !== undefined) return this.groupJson(group);
    const user = this.users.get(id.toLowerCase());
    if (user === undefined) return null;
    return { '@odata.type': ODATA.user, ...this.userJson(user.seed) };
  }

  private expand(item: Record<string, unknown>, expand: readonly string[]): Record<string, unknown> {
    const out = { ...item };
    for (const property of expand) {
      if (property === 'principal') out.principal = this.principalJson(item.principalId as string);
      else if (property === 'roleDefinition') {
        out.roleDefinition = this.roleDefinition(item.roleDefinitionId as string) ?? null;
      } else throw badRequest(`Could not find a property named '${property}'.`, 'BadRequest');
    }
    return out;
  }

  /** rbacapplication-list-roleassignments.md */
  listRoleAssignments(filter: FilterClause[], expand: readonly string[]): Array<Record<string, unknown>> {
    return (this.seed.roleAssignments ?? [])
      .map((a) => ({
        id: a.id,
        principalId: a.principalId,
        resourceScope: a.directoryScopeId ?? '/',
        directoryScopeId: a.directoryScopeId ?? '/',
        roleDefinitionId: a.roleDefinitionId,
      }))
      .filter((item) => matches(item, filter))
      .map((item) => this.expand(item, expand));
  }

  /** rbacapplication-list-roleeligibilityscheduleinstances.md */
  listRoleEligibilityScheduleInstances(
    filter: FilterClause[],
    expand: readonly string[],
  ): Array<Record<string, unknown>> {
    const now = Date.now();
    return (this.seed.roleEligibilityScheduleInstances ?? [])
      .filter((e) => (e.endDateTime ?? null) === null || Date.parse(e.endDateTime as string) > now)
      .map((e) => ({
        id: e.id,
        principalId: e.principalId,
        roleDefinitionId: e.roleDefinitionId,
        directoryScopeId: e.directoryScopeId ?? '/',
        appScopeId: null,
        startDateTime: e.startDateTime ?? '2024-04-01T00:00:00Z',
        endDateTime: e.endDateTime ?? null,
        memberType: e.memberType ?? 'Direct',
        roleEligibilityScheduleId: e.roleEligibilityScheduleId ?? stableGuid(`schedule:${e.id}`),
      }))
      .filter((item) => matches(item, filter))
      .map((item) => this.expand(item, expand));
  }

  /** group-get.md: default properties unless `$select` names others. */
  getGroup(groupId: string, select: readonly string[] | undefined): Record<string, unknown> {
    const group = this.groups.get(decodeURIComponent(groupId).toLowerCase());
    if (group === undefined) throw notFound(groupId);
    const json = this.groupJson(group);
    return select === undefined ? json : { '@odata.type': ODATA.group, ...pick(json, select) };
  }

  /**
   * group-list.md with `$filter=isAssignableToRole eq true|false` (the only filter the bot sends),
   * optionally with the owners expanded. Expanded directory-object relationships return at most
   * 20 objects (Graph's documented limit), so a caller must read /owners for a group that shows 20.
   */
  listGroups(
    isAssignableToRole: boolean | undefined,
    select: readonly string[] | undefined,
    expandOwners: boolean,
  ): Array<Record<string, unknown>> {
    return [...this.groups.values()]
      .filter(
        (g) => isAssignableToRole === undefined || (g.isAssignableToRole ?? false) === isAssignableToRole,
      )
      .map((g) => {
        const json = this.getGroup(g.id, select);
        if (!expandOwners) return json;
        return { ...json, owners: this.groupOwners(g.id).slice(0, EXPAND_LIMIT) };
      });
  }

  /** group-list-owners.md */
  groupOwners(groupId: string): Array<Record<string, unknown>> {
    const group = this.groups.get(decodeURIComponent(groupId).toLowerCase());
    if (group === undefined) throw notFound(groupId);
    return (group.owners ?? []).map((id) => ({ '@odata.type': ODATA.user, id }));
  }

  /**
   * privilegedaccessgroup-list-eligibilityscheduleinstances.md and
   * privilegedaccessgroup-list-assignmentscheduleinstances.md: current instances only; the
   * reference requires a `$filter` on principalId or groupId.
   */
  listPimGroupInstances(
    kind: 'eligibility' | 'assignment',
    filter: FilterClause[],
  ): Array<Record<string, unknown>> {
    if (!filter.some((c) => c.property === 'principalId' || c.property === 'groupId')) {
      // UNDOCUMENTED_STATUS: the page says the filter is required, not how a call without it fails.
      throw badRequest('The $filter query parameter must scope the request to a principalId or a groupId.');
    }
    const source =
      kind === 'eligibility'
        ? (this.seed.pimGroupEligibilityScheduleInstances ?? [])
        : (this.seed.pimGroupAssignmentScheduleInstances ?? []);
    const now = Date.now();
    return source
      .filter((i) => (i.endDateTime ?? null) === null || Date.parse(i.endDateTime as string) > now)
      .map((i) => pimInstanceJson(kind, i))
      .filter((item) => matches(item, filter));
  }

  // --- authentication methods ---------------------------------------------------------------

  private passwordMethod(record: UserRecord): SeedMethod {
    return {
      '@odata.type': ODATA.password,
      id: PASSWORD_METHOD_ID,
      password: null,
      createdDateTime: record.passwordCreatedDateTime,
    };
  }

  private render(method: SeedMethod): SeedMethod {
    if (method['@odata.type'] !== ODATA.tap) return structuredClone(method);
    // temporaryaccesspassauthenticationmethod: the pass is "returned as null with GET".
    const start = Date.parse(method.startDateTime as string);
    const end = start + (method.lifetimeInMinutes as number) * 60_000;
    const now = Date.now();
    const reason =
      method.usedOnce === true
        ? 'OneTimeUsed'
        : now < start
          ? 'NotYetValid'
          : now >= end
            ? 'Expired'
            : 'EnabledByPolicy';
    const { usedOnce: _usedOnce, ...rest } = method;
    return {
      ...rest,
      temporaryAccessPass: null,
      isUsable: reason === 'EnabledByPolicy',
      methodUsabilityReason: reason,
    };
  }

  /** authentication-list-methods.md */
  listMethods(idOrUpn: string): SeedMethod[] {
    const record = this.user(idOrUpn);
    return [this.passwordMethod(record), ...record.methods.map((m) => this.render(m))];
  }

  /** One collection under /authentication, e.g. phoneMethods; items carry no @odata.type there. */
  listCollection(idOrUpn: string, collection: string): Array<Record<string, unknown>> {
    const odataType = METHOD_COLLECTIONS[collection];
    if (odataType === undefined) throw segmentNotFound(collection);
    return this.listMethods(idOrUpn)
      .filter((m) => m['@odata.type'] === odataType)
      .map(({ '@odata.type': _type, ...rest }) => rest);
  }

  /**
   * Test helper: the person registers a method themselves (My Sign-Ins), which no Graph call the
   * bot makes can do; dated types get Graph's `createdDateTime` of now unless the method has one.
   */
  registerMethod(idOrUpn: string, method: SeedMethod): void {
    const dated = [
      '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod',
      '#microsoft.graph.fido2AuthenticationMethod',
      '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod',
    ].includes(method['@odata.type']);
    const record = this.user(idOrUpn);
    record.methods.push(dated ? { createdDateTime: graphDateTime(new Date()), ...method } : { ...method });
    if (record.defaultMethodId === undefined) record.defaultMethodId = method.id;
  }

  /** Test helper: the methods as stored, with TAP values hidden as in GET. */
  methodsOf(idOrUpn: string): SeedMethod[] {
    return this.listMethods(idOrUpn);
  }

  defaultMethodOf(idOrUpn: string): string | undefined {
    return this.user(idOrUpn).defaultMethodId;
  }

  signInSessionsValidFrom(idOrUpn: string): string | undefined {
    return this.user(idOrUpn).signInSessionsValidFromDateTime;
  }

  /** authentication-post-phonemethods.md */
  createPhoneMethod(idOrUpn: string, body: unknown): Record<string, unknown> {
    const record = this.user(idOrUpn);
    const { phoneNumber, phoneType } = phoneBody(body);
    if (phoneType === undefined) throw badRequest("The 'phoneType' property is required.");
    if (body !== null && typeof body === 'object' && 'smsSignInState' in body) {
      throw badRequest("The property 'smsSignInState' is read-only.");
    }
    checkPhoneNumber(phoneNumber);
    const phones = record.methods.filter((m) => m['@odata.type'] === ODATA.phone);
    // "A user may only have one phone of each type ... a user must always have a mobile phone
    // before adding an alternateMobile phone."
    if (phones.some((p) => p.phoneType === phoneType)) {
      throw badRequest(`A phone method of type '${phoneType}' already exists for this user.`);
    }
    if (phoneType === 'alternateMobile' && !phones.some((p) => p.phoneType === 'mobile')) {
      throw badRequest("A 'mobile' phone method is required before adding an 'alternateMobile' one.");
    }
    const method: SeedMethod = {
      '@odata.type': ODATA.phone,
      id: PHONE_TYPE_IDS[phoneType],
      phoneNumber,
      phoneType,
      smsSignInState: 'notSupported',
    };
    record.methods.push(method);
    // The first method a user registers becomes their default sign-in method.
    if (record.defaultMethodId === undefined) record.defaultMethodId = method.id;
    const { '@odata.type': _type, ...rest } = method;
    return rest;
  }

  /** phoneauthenticationmethod-update.md */
  updatePhoneMethod(idOrUpn: string, methodId: string, body: unknown): void {
    const record = this.user(idOrUpn);
    const phone = record.methods.find((m) => m['@odata.type'] === ODATA.phone && m.id === methodId);
    if (phone === undefined) throw notFound(methodId);
    const { phoneNumber, phoneType } = phoneBody(body);
    // "You can't change a phone's type."
    if (phoneType !== undefined && phoneType !== phone.phoneType) {
      throw badRequest("A phone method's phoneType cannot be changed.");
    }
    checkPhoneNumber(phoneNumber);
    phone.phoneNumber = phoneNumber;
  }

  /** The delete pages of each method type; the password has no delete operation in v1.0. */
  deleteMethod(idOrUpn: string, collection: string, methodId: string): void {
    const record = this.user(idOrUpn);
    const odataType = METHOD_COLLECTIONS[collection];
    if (odataType === undefined) throw segmentNotFound(collection);
    if (odataType === ODATA.password) {
      throw new GraphFailure(
        405,
        'Request_BadRequest',
        'The password authentication method cannot be deleted.',
      );
    }
    const method = record.methods.find((m) => m['@odata.type'] === odataType && m.id === methodId);
    if (method === undefined) throw notFound(methodId);
    // phoneauthenticationmethod-delete.md: no alternateMobile without a mobile.
    if (
      method.phoneType === 'mobile' &&
      record.methods.some((m) => m['@odata.type'] === ODATA.phone && m.phoneType === 'alternateMobile')
    ) {
      throw badRequest("The 'mobile' phone method cannot be deleted while an 'alternateMobile' one exists.");
    }
    // The default MFA method can't be deleted while others exist (phoneauthenticationmethod-delete.md
    // for phones; DESIGN.md §3). Graph's answer, as reported on Microsoft Q&A question 1337439, is a
    // 400 with exactly this message and no more specific code.
    const others = record.methods.filter((m) => m.id !== method.id);
    // A pass can never be the default second factor (signInPreferences lists push, oath and the
    // phone kinds only), so a pass alone does not block deleting the default.
    const couldBeDefault = others.filter((m) => m['@odata.type'] !== ODATA.tap);
    if (record.defaultMethodId === method.id && couldBeDefault.length > 0) {
      throw new GraphFailure(
        400,
        'badRequest',
        'Cannot delete default method with other methods configured. Please change default method before deletion.',
      );
    }
    record.methods = others;
    if (record.defaultMethodId === method.id) record.defaultMethodId = undefined;
  }

  /** authentication-post-temporaryaccesspassmethods.md and the TAP policy resource. */
  createTemporaryAccessPass(idOrUpn: string, body: unknown): Record<string, unknown> {
    const record = this.user(idOrUpn);
    const input = (body ?? {}) as Record<string, unknown>;
    const policy = this.tapPolicy;
    if (policy.state !== 'enabled') {
      throw badRequest('The Temporary Access Pass authentication method is disabled by policy.');
    }
    const lifetime = input.lifetimeInMinutes ?? policy.defaultLifetimeInMinutes;
    if (typeof lifetime !== 'number' || !Number.isInteger(lifetime) || lifetime < 10 || lifetime > 43200) {
      throw badRequest('lifetimeInMinutes must be an integer between 10 and 43200.');
    }
    if (lifetime < policy.minimumLifetimeInMinutes || lifetime > policy.maximumLifetimeInMinutes) {
      throw badRequest(
        `lifetimeInMinutes must be between ${policy.minimumLifetimeInMinutes} and ` +
          `${policy.maximumLifetimeInMinutes} as set by the Temporary Access Pass policy.`,
      );
    }
    const isUsableOnce = input.isUsableOnce ?? policy.isUsableOnce;
    if (typeof isUsableOnce !== 'boolean') throw badRequest('isUsableOnce must be a Boolean.');
    // "A multi-use Temporary Access Pass ... can only be created ... if it is allowed by the policy."
    if (policy.isUsableOnce && !isUsableOnce) {
      throw badRequest('The Temporary Access Pass policy only allows one-time passes.');
    }
    const now = new Date();
    let start = now;
    if (input.startDateTime !== undefined) {
      if (typeof input.startDateTime !== 'string' || Number.isNaN(Date.parse(input.startDateTime))) {
        throw badRequest('startDateTime must be a DateTimeOffset.');
      }
      start = new Date(input.startDateTime);
    }
    const pass = generatePass(policy.defaultLength);
    const stored: SeedMethod = {
      '@odata.type': ODATA.tap,
      id: randomUUID(),
      temporaryAccessPass: null,
      createdDateTime: graphDateTime(now),
      startDateTime: graphDateTime(start),
      lifetimeInMinutes: lifetime,
      isUsableOnce,
    };
    // "the previous Temporary Access Pass will be deleted, and a new Temporary Access Pass will be created"
    record.methods = [...record.methods.filter((m) => m['@odata.type'] !== ODATA.tap), stored];
    return { ...this.render(stored), temporaryAccessPass: pass };
  }

  tapPolicyJson(): Record<string, unknown> {
    return {
      '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration',
      id: 'TemporaryAccessPass',
      ...this.tapPolicy,
      includeTargets: [{ targetType: 'group', id: 'all_users', isRegistrationRequired: false }],
      excludeTargets: [],
    };
  }

  /** user-revokesigninsessions.md */
  revokeSignInSessions(idOrUpn: string): void {
    this.user(idOrUpn).signInSessionsValidFromDateTime = new Date().toISOString();
  }

  /** user-sendmail.md (JSON form) */
  sendMail(mailbox: string, body: unknown): void {
    if (!this.hasUser(mailbox)) {
      // Exchange's answer for a mailbox that does not exist.
      throw new GraphFailure(404, 'ErrorInvalidUser', `The requested user '${mailbox}' is invalid.`);
    }
    const input = (body ?? {}) as Record<string, unknown>;
    const message = input.message as Record<string, unknown> | undefined;
    if (message === undefined || typeof message !== 'object') {
      throw badRequest('The message parameter is required.', 'ErrorInvalidParameter');
    }
    const recipients = ['toRecipients', 'ccRecipients', 'bccRecipients'].flatMap(
      (key) => (message[key] as unknown[] | undefined) ?? [],
    );
    if (recipients.length === 0) {
      throw new GraphFailure(400, 'ErrorInvalidRecipients', 'At least one recipient is not valid.');
    }
    for (const recipient of recipients) {
      const address = (recipient as { emailAddress?: { address?: unknown } }).emailAddress?.address;
      if (typeof address !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(address)) {
        throw new GraphFailure(400, 'ErrorInvalidRecipients', 'At least one recipient is not valid.');
      }
    }
    const save = input.saveToSentItems;
    this.sentMails.push({
      from: this.user(mailbox).seed.mail ?? mailbox,
      message: structuredClone(message),
      saveToSentItems: save === undefined ? true : save === true || save === 'true',
      sentAt: new Date().toISOString(),
    });
  }
}

function pimInstanceJson(
  kind: 'eligibility' | 'assignment',
  i: SeedPimGroupInstance,
): Record<string, unknown> {
  const id = i.id ?? `${i.groupId}_${i.accessId}_${stableGuid(`pim:${kind}:${i.principalId}:${i.groupId}`)}`;
  const common = {
    id,
    startDateTime: i.startDateTime ?? null,
    endDateTime: i.endDateTime ?? null,
    accessId: i.accessId,
    principalId: i.principalId,
    groupId: i.groupId,
    memberType: i.memberType ?? 'Direct',
  };
  return kind === 'eligibility'
    ? { ...common, eligibilityScheduleId: i.scheduleId ?? id }
    : { ...common, assignmentType: i.assignmentType ?? 'Assigned', assignmentScheduleId: i.scheduleId ?? id };
}

export function segmentNotFound(segment: string): GraphFailure {
  return new GraphFailure(400, 'BadRequest', `Resource not found for the segment '${segment}'.`);
}

function phoneBody(body: unknown): {
  phoneNumber: unknown;
  phoneType: keyof typeof PHONE_TYPE_IDS | undefined;
} {
  if (body === null || typeof body !== 'object') throw badRequest('A JSON request body is required.');
  const { phoneNumber, phoneType } = body as Record<string, unknown>;
  if (phoneType !== undefined && !(typeof phoneType === 'string' && phoneType in PHONE_TYPE_IDS)) {
    throw badRequest("phoneType must be one of 'mobile', 'alternateMobile', 'office'.");
  }
  return { phoneNumber, phoneType: phoneType as keyof typeof PHONE_TYPE_IDS | undefined };
}

function checkPhoneNumber(phoneNumber: unknown): asserts phoneNumber is string {
  // "Numbers are rejected when creating or updating if they do not match the required format."
  if (typeof phoneNumber !== 'string' || !PHONE_NUMBER_FORMAT.test(phoneNumber)) {
    throw badRequest(
      `Invalid phone number '${String(phoneNumber)}'. Use the format +{country code} {number}.`,
    );
  }
}

/** Graph writes whole-second times without a fraction (`2022-06-05T00:00:00Z`). */
function graphDateTime(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

function generatePass(length: number): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789+@#$%';
  const bytes = randomBytes(length);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}

function stableGuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface FilterClause {
  property: string;
  value: string;
}

/**
 * The `$filter` forms the role-management list pages show: `property eq 'value'`, joined with `and`.
 * Anything else is refused rather than silently ignored, so the adapter cannot lean on a filter
 * the emulator never applied.
 */
export function parseFilter(filter: string | undefined, allowed: readonly string[]): FilterClause[] {
  if (filter === undefined || filter.trim() === '') return [];
  return filter.split(/\s+and\s+/i).map((clause) => {
    const match = /^\s*(\w+)\s+eq\s+'([^']*)'\s*$/.exec(clause);
    if (match === null || !allowed.includes(match[1])) {
      throw new GraphFailure(400, 'BadRequest', `Invalid filter clause: ${clause.trim()}`);
    }
    return { property: match[1], value: match[2] };
  });
}

function matches(item: Record<string, unknown>, filter: FilterClause[]): boolean {
  return filter.every((c) => String(item[c.property]).toLowerCase() === c.value.toLowerCase());
}
