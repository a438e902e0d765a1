/**
 * The JSON shape of an emulator directory file (see demo-directory.json). Authentication methods are
 * stored in Graph's own JSON form, so what the emulator returns is what the seed says, not a
 * re-rendering that could drift from Graph.
 */
import { readFileSync } from 'node:fs';

export const PHONE_TYPE_IDS = {
  mobile: '3179e48a-750b-4051-897c-87b9720928f7',
  alternateMobile: 'b6332ec1-7057-4abe-9331-3d72feddfe41',
  office: 'e37fc753-ff3b-4958-9484-eaa9425c82bc',
} as const;

/** Graph gives every user's password method this fixed id (authentication-list-passwordmethods). */
export const PASSWORD_METHOD_ID = '28c10230-6103-485e-b985-444c60001490';

export interface SeedMethod {
  '@odata.type': string;
  id: string;
  [property: string]: unknown;
}

export interface SeedUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
  givenName?: string;
  surname?: string;
  mail?: string | null;
  jobTitle?: string | null;
  department?: string | null;
  officeLocation?: string | null;
  mobilePhone?: string | null;
  businessPhones?: string[];
  preferredLanguage?: string | null;
  usageLocation?: string | null;
  accountEnabled?: boolean;
  userType?: 'Member' | 'Guest';
  managerId?: string;
  /** Methods besides the password, which every user has implicitly. */
  methods?: SeedMethod[];
  /**
   * The default MFA method (Graph v1.0 cannot read it; the emulator needs it to refuse deleting it
   * while other methods exist, as Graph does).
   */
  defaultMethodId?: string;
}

export interface SeedGroup {
  id: string;
  displayName: string;
  description?: string;
  isAssignableToRole?: boolean;
  securityEnabled?: boolean;
  mailEnabled?: boolean;
  mailNickname?: string;
  /** User or group object ids. */
  members: string[];
  /** User object ids (group-list-owners.md); owners can add members, so they can reach the group's roles. */
  owners?: string[];
}

export interface SeedRoleDefinition {
  id: string;
  displayName: string;
  description?: string;
  isBuiltIn?: boolean;
}

export interface SeedRoleAssignment {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId?: string;
}

export interface SeedRoleEligibility {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId?: string;
  startDateTime?: string;
  endDateTime?: string | null;
  memberType?: 'Direct' | 'Group' | 'Inherited';
  roleEligibilityScheduleId?: string;
}

/**
 * A PIM for Groups schedule instance (privilegedaccessgroupeligibilityscheduleinstance and
 * privilegedaccessgroupassignmentscheduleinstance): a principal eligible for, or actively assigned,
 * membership or ownership of a group.
 */
export interface SeedPimGroupInstance {
  id?: string;
  principalId: string;
  groupId: string;
  accessId: 'member' | 'owner';
  startDateTime?: string;
  endDateTime?: string | null;
  memberType?: 'Direct' | 'Group';
  /** Assignment instances only. */
  assignmentType?: 'Assigned' | 'Activated';
  /** The schedule the instance came from; the instance's own id when absent. */
  scheduleId?: string;
}

export interface TapPolicy {
  state: 'enabled' | 'disabled';
  defaultLifetimeInMinutes: number;
  defaultLength: number;
  minimumLifetimeInMinutes: number;
  maximumLifetimeInMinutes: number;
  isUsableOnce: boolean;
}

export interface SeedDirectory {
  tenantId: string;
  domain?: string;
  /** When present, only these client id/secret pairs get tokens; when absent, any pair does. */
  clients?: Array<{ clientId: string; clientSecret: string }>;
  users: SeedUser[];
  groups?: SeedGroup[];
  roleDefinitions?: SeedRoleDefinition[];
  roleAssignments?: SeedRoleAssignment[];
  roleEligibilityScheduleInstances?: SeedRoleEligibility[];
  pimGroupEligibilityScheduleInstances?: SeedPimGroupInstance[];
  pimGroupAssignmentScheduleInstances?: SeedPimGroupInstance[];
  temporaryAccessPassPolicy?: Partial<TapPolicy>;
}

export const DEFAULT_TAP_POLICY: TapPolicy = {
  state: 'enabled',
  defaultLifetimeInMinutes: 60,
  defaultLength: 8,
  minimumLifetimeInMinutes: 60,
  maximumLifetimeInMinutes: 480,
  isUsableOnce: false,
};

export function loadSeed(filePath: string): SeedDirectory {
  return validateSeed(JSON.parse(readFileSync(filePath, 'utf8')) as SeedDirectory, filePath);
}

/** Fails loudly on a seed Graph itself could never hold, so tests cannot build on an impossible state. */
export function validateSeed(seed: SeedDirectory, source = 'seed'): SeedDirectory {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const user of seed.users) {
    if (ids.has(user.id)) problems.push(`duplicate object id ${user.id}`);
    ids.add(user.id);
    const methods = user.methods ?? [];
    const phoneTypes = new Set<string>();
    for (const method of methods) {
      if (method['@odata.type'] === '#microsoft.graph.phoneAuthenticationMethod') {
        const phoneType = method.phoneType as keyof typeof PHONE_TYPE_IDS;
        if (PHONE_TYPE_IDS[phoneType] !== method.id) {
          problems.push(`${user.id}: phone method ${method.id} does not carry the id of type ${phoneType}`);
        }
        if (phoneTypes.has(phoneType)) problems.push(`${user.id}: two phones of type ${phoneType}`);
        phoneTypes.add(phoneType);
      }
    }
    if (phoneTypes.has('alternateMobile') && !phoneTypes.has('mobile')) {
      problems.push(`${user.id}: alternateMobile without mobile`);
    }
    if (user.defaultMethodId !== undefined && !methods.some((m) => m.id === user.defaultMethodId)) {
      problems.push(`${user.id}: default method ${user.defaultMethodId} is not registered`);
    }
  }
  for (const user of seed.users) {
    if (user.managerId !== undefined && !ids.has(user.managerId)) {
      problems.push(`${user.id}: manager ${user.managerId} is not a user`);
    }
  }
  for (const group of seed.groups ?? []) {
    if (ids.has(group.id)) problems.push(`duplicate object id ${group.id}`);
    ids.add(group.id);
  }
  for (const group of seed.groups ?? []) {
    for (const member of group.members) {
      if (!ids.has(member)) problems.push(`group ${group.id}: unknown member ${member}`);
      const memberGroup = (seed.groups ?? []).find((g) => g.id === member);
      // Entra ID refuses to nest groups inside role-assignable groups.
      if (memberGroup !== undefined && group.isAssignableToRole === true) {
        problems.push(`group ${group.id}: role-assignable groups cannot contain groups`);
      }
    }
  }
  for (const group of seed.groups ?? []) {
    for (const owner of group.owners ?? []) {
      if (!seed.users.some((user) => user.id === owner))
        problems.push(`group ${group.id}: unknown owner ${owner}`);
    }
  }
  for (const instance of [
    ...(seed.pimGroupEligibilityScheduleInstances ?? []),
    ...(seed.pimGroupAssignmentScheduleInstances ?? []),
  ]) {
    if (!ids.has(instance.principalId)) problems.push(`PIM principal ${instance.principalId} is unknown`);
    if (!(seed.groups ?? []).some((g) => g.id === instance.groupId)) {
      problems.push(`PIM instance for unknown group ${instance.groupId}`);
    }
  }
  const principals = (seed.roleAssignments ?? []).map((a) => a.principalId);
  principals.push(...(seed.roleEligibilityScheduleInstances ?? []).map((e) => e.principalId));
  for (const principal of principals) {
    const group = (seed.groups ?? []).find((g) => g.id === principal);
    if (!ids.has(principal)) problems.push(`role principal ${principal} is unknown`);
    if (group !== undefined && group.isAssignableToRole !== true) {
      problems.push(`group ${group.id} holds a role but is not role-assignable`);
    }
  }
  const policy = { ...DEFAULT_TAP_POLICY, ...seed.temporaryAccessPassPolicy };
  if (
    policy.minimumLifetimeInMinutes < 10 ||
    policy.maximumLifetimeInMinutes > 43200 ||
    policy.minimumLifetimeInMinutes > policy.maximumLifetimeInMinutes
  ) {
    problems.push('temporaryAccessPassPolicy lifetimes must satisfy 10 <= minimum <= maximum <= 43200');
  }
  if (problems.length > 0) {
    throw new Error(`Invalid Graph emulator directory (${source}):\n- ${problems.join('\n- ')}`);
  }
  return seed;
}
