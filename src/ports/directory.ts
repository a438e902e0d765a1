import type { AuthMethod, AuthMethodType } from '../domain/auth-methods';
import type { PhoneNumber } from '../domain/phone';
import type { ErrorCode } from '../errors';

// The domain owns the words the port speaks; re-exported so adapters keep one import.
export { DELETABLE_METHOD_TYPES, PHONE_METHOD_TYPES } from '../domain/auth-methods';
export type { AuthMethod, AuthMethodType, PhoneMethodType } from '../domain/auth-methods';
export type { PhoneNumber } from '../domain/phone';

/**
 * What the bot needs from the organisation's directory (Microsoft Entra ID through Graph in
 * production). No vendor types: the Graph adapter translates Graph's shapes and errors into these
 * and into `AppError` codes (NOT_FOUND, FORBIDDEN, THROTTLED, POLICY_REFUSED, DEFAULT_METHOD_REFUSED,
 * CONFLICT, UNAVAILABLE, TIMEOUT, BAD_REQUEST).
 *
 * Every mutating operation returns Graph's request-id, because the audit trail records it per step.
 */
export interface Directory {
  /** Throws NOT_FOUND when the object id is not a user of the tenant. */
  getUser(userId: string): Promise<DirectoryUser>;

  /** `undefined` when no manager is set (Graph answers 404 for that, which is not an error here). */
  getManager(userId: string): Promise<DirectoryUser | undefined>;

  /**
   * Which of `groupIds` the user belongs to, directly or through nested groups, asked live (never
   * cached), so a removed approver loses the right at once.
   */
  memberOfGroups(userId: string, groupIds: readonly string[]): Promise<ReadonlySet<string>>;

  /**
   * Everything through which the user holds or can reach a privilege, read live: directory roles
   * (active or PIM-eligible, directly or through a role-assignable group), any link to a
   * role-assignable group (member, owner, PIM-eligible or PIM-active), and membership of the
   * groups that hold this bot's keys (`keyHolderGroupIds`: approvers, reviewers), directly, nested
   * or through PIM for Groups. Throws when any part cannot be read: an unknown privilege is never
   * reported as none. The configured break-glass list is the caller's to check.
   */
  getPrivilege(userId: string, options?: PrivilegeOptions): Promise<PrivilegeReport>;

  /** Throws NOT_FOUND when there is no such group. */
  getGroup(groupId: string): Promise<DirectoryGroup>;

  listMethods(userId: string): Promise<AuthMethod[]>;

  /** Updates the existing mobile method's number, or adds a mobile method when there is none. */
  setMobilePhone(userId: string, phone: PhoneNumber): Promise<SetMobilePhoneResult>;

  /**
   * Deletes every registered method of the given types in an order Graph accepts: the others
   * first, the one Graph refuses as the default last, `alternateMobile` before `mobile`. Passing
   * `password` is refused before any call. Stops early on a transient failure (throttled,
   * unavailable, timeout) so a resumed run can continue; methods already gone count as done.
   */
  deleteMethods(userId: string, types: readonly AuthMethodType[]): Promise<DeleteMethodsResult>;

  /**
   * One-time pass. The value is returned once, here, and must never be stored, logged or audited.
   * Never retried automatically: a second create would silently replace the first pass.
   */
  createTemporaryAccessPass(userId: string, options: CreateTapOptions): Promise<TemporaryAccessPass>;

  /** Deletes one pass early (for example once the person registered a new method). */
  deleteTemporaryAccessPass(userId: string, methodId: string): Promise<MutationResult>;

  revokeSignInSessions(userId: string): Promise<MutationResult>;

  /** Sends a plain-text notice from `fromMailbox` (a user or shared mailbox the app may send as). */
  sendMail(mail: OutgoingMail): Promise<MutationResult>;

  /**
   * Reads the methods again after an action. With `expectMobile`, also says whether the mobile
   * method now holds exactly that number (the full number is compared here and not returned).
   */
  readBackEndState(userId: string, options?: { expectMobile?: PhoneNumber }): Promise<EndState>;
}

export interface DirectoryUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
  mail: string | undefined;
  department: string | undefined;
  /** ISO 3166 two-letter code, e.g. `JP`; the default region for parsing the person's numbers. */
  usageLocation: string | undefined;
  accountEnabled: boolean;
  userType: 'Member' | 'Guest' | undefined;
}

export interface DirectoryGroup {
  id: string;
  displayName: string;
  /** Only Privileged Role Administrators can change the members of a role-assignable group. */
  isAssignableToRole: boolean;
}

export interface MutationResult {
  /** Graph's `request-id` response header; undefined only if Graph did not send one. */
  requestId: string | undefined;
}

export interface SetMobilePhoneResult extends MutationResult {
  action: 'updated' | 'added';
}

export type PrivilegeSource = { kind: 'direct' } | { kind: 'group'; groupId: string; groupName: string };

export interface PrivilegeGrant {
  assignment: 'active' | 'eligible';
  roleDefinitionId: string;
  roleName: string | undefined;
  via: PrivilegeSource;
}

/** How a user reaches a role-assignable group. */
export interface PrivilegeGroupLink {
  groupId: string;
  groupName: string;
  relation: 'member' | 'owner';
  /** `eligible`: PIM for Groups lets the user activate the membership or ownership at will. */
  assignment: 'active' | 'eligible';
}

export interface PrivilegeOptions {
  /** Groups whose members hold this bot's keys: being in one counts as a privilege. */
  keyHolderGroupIds?: readonly string[];
}

export interface PrivilegeReport {
  privileged: boolean;
  grants: PrivilegeGrant[];
  groupLinks: PrivilegeGroupLink[];
  /** Which of the asked key-holder groups the user is in (in the caller's spelling of the ids). */
  keyHolderGroupIds: string[];
}

export interface DeletionAttempt {
  methodType: AuthMethodType;
  methodId: string;
  /**
   * `deferred`: Graph refused it as the default method while others remained; it is tried again
   * after the others. `alreadyAbsent`: Graph answered 404, so an earlier run already removed it.
   */
  outcome: 'deleted' | 'alreadyAbsent' | 'deferred' | 'failed';
  requestId: string | undefined;
  errorCode?: ErrorCode;
}

export interface DeleteMethodsResult {
  /** Every DELETE sent, in order, including refused ones, for the audit trail. */
  attempts: DeletionAttempt[];
  /** Methods that are gone now (deleted by this call or already absent). */
  removed: Array<{ type: AuthMethodType; id: string }>;
  /** Methods still registered that should have been removed, with the last error. */
  failed: Array<{ type: AuthMethodType; id: string; errorCode: ErrorCode }>;
  /** True when a transient failure stopped the run before every method was tried. */
  stoppedEarly: boolean;
}

export interface CreateTapOptions {
  /**
   * Within Graph's range (`GRAPH_TAP_LIFETIME`); the tenant policy may narrow it. The caller clamps to
   * its configured maximum with `tapLifetime`.
   */
  lifetimeInMinutes: number;
}

export interface TemporaryAccessPass extends MutationResult {
  methodId: string;
  /** The pass itself. Show it once; never store, log, audit or put it in a transcript. */
  temporaryAccessPass: string;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
  startDateTime: string | undefined;
  createdDateTime: string | undefined;
}

export interface OutgoingMail {
  fromMailbox: string;
  to: readonly string[];
  cc?: readonly string[];
  subject: string;
  textBody: string;
}

export interface EndState {
  methods: AuthMethod[];
  /** Only set when `expectMobile` was given. */
  mobileMatchesExpected: boolean | undefined;
}

/**
 * What the directory says about a request's target, read together for the approval card. Each part
 * is undefined when Graph could not say.
 */
export interface TargetFacts {
  user: DirectoryUser | undefined;
  manager: DirectoryUser | undefined;
  methods: AuthMethod[] | undefined;
  privilege: PrivilegeReport | undefined;
  monthlyCount: number;
}
