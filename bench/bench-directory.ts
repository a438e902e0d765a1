/**
 * The benchmark's tenant: the demo directory plus generated employees (each shaped like 山田 花子:
 * a mobile and an alternate mobile number, a manager) and generated approvers, so every simulated
 * person is a real user of the Graph emulator and one person never has two open requests.
 */
import type { SeedDirectory, SeedUser } from '../tools/graph-emulator';
import { loadSeed, DEMO_DIRECTORY_PATH } from '../tools/graph-emulator';
import { DEMO } from '../test/support/test-config';
import type { TeamsUser } from '../test/support/teams-activity';

const EMPLOYEE_PREFIX = '6f1c2a9e-3b4d-4e8f-9a01-e';
const APPROVER_PREFIX = '6f1c2a9e-3b4d-4e8f-9a01-a';

function generatedId(prefix: string, index: number): string {
  return `${prefix}${index.toString(16).padStart(11, '0')}`;
}

export function benchEmployee(index: number): TeamsUser {
  return {
    id: `29:bench-employee-${index}`,
    name: `社員 ${index}`,
    aadObjectId: generatedId(EMPLOYEE_PREFIX, index),
  };
}

export function benchApprover(index: number): TeamsUser {
  return {
    id: `29:bench-approver-${index}`,
    name: `承認者 ${index}`,
    aadObjectId: generatedId(APPROVER_PREFIX, index),
  };
}

export function benchDirectory(employees: number, approvers: number): SeedDirectory {
  const seed = loadSeed(DEMO_DIRECTORY_PATH);
  const template = seed.users.find((user) => user.id === DEMO.users.hanako);
  if (!template) throw new Error('the demo directory has no 山田 花子 to copy');
  const users: SeedUser[] = [];
  for (let index = 0; index < employees; index++) {
    const person = benchEmployee(index);
    users.push({
      ...template,
      id: person.aadObjectId,
      displayName: person.name,
      userPrincipalName: `employee${index}@contoso.onmicrosoft.com`,
      mail: `employee${index}@contoso.onmicrosoft.com`,
      // Phone methods carry Graph's fixed id per phone type, so the copies keep the template's.
      methods: (template.methods ?? []).map((method) => ({ ...method })),
    });
  }
  const approverIds: string[] = [];
  for (let index = 0; index < approvers; index++) {
    const person = benchApprover(index);
    approverIds.push(person.aadObjectId);
    users.push({
      id: person.aadObjectId,
      displayName: person.name,
      userPrincipalName: `approver${index}@contoso.onmicrosoft.com`,
      mail: `approver${index}@contoso.onmicrosoft.com`,
      usageLocation: 'JP',
      methods: [],
    });
  }
  return {
    ...seed,
    users: [...seed.users, ...users],
    groups: (seed.groups ?? []).map((group) =>
      group.id === DEMO.approverGroupId ? { ...group, members: [...group.members, ...approverIds] } : group,
    ),
  };
}
