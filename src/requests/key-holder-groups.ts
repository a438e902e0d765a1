import type { Config } from '../config';
import type { Logger } from '../log';
import type { Directory } from '../ports/directory';

/** The groups whose members hold this bot's keys: approving their resets would hand the keys over. */
export function keyHolderGroups(config: Pick<Config, 'approverGroupId' | 'reviewerGroupId'>): string[] {
  return [config.approverGroupId, config.reviewerGroupId];
}

export interface KeyHolderGroupReport {
  groupId: string;
  role: 'approver' | 'reviewer';
  /** Undefined when the group could not be read. */
  isAssignableToRole: boolean | undefined;
}

/**
 * Reads the approver and reviewer groups once at start-up. A group that is not role-assignable
 * can be changed by any Groups Administrator or User Administrator (or its owners), who could then
 * add themselves and approve resets or read transcripts; only a Privileged Role Administrator can
 * change a role-assignable group's members. Warns, does not refuse to start: the tenant decides.
 */
export async function checkKeyHolderGroups(
  directory: Directory,
  config: Pick<Config, 'approverGroupId' | 'reviewerGroupId'>,
  logger: Logger,
): Promise<KeyHolderGroupReport[]> {
  const groups = [
    { groupId: config.approverGroupId, role: 'approver' as const },
    { groupId: config.reviewerGroupId, role: 'reviewer' as const },
  ];
  return Promise.all(
    groups.map(async ({ groupId, role }) => {
      try {
        const group = await directory.getGroup(groupId);
        if (!group.isAssignableToRole) {
          logger.warn(
            { groupId, role },
            `the ${role} group is not role-assignable: Groups or User Administrators and its owners can add themselves to it`,
          );
        }
        return { groupId, role, isAssignableToRole: group.isAssignableToRole };
      } catch (error) {
        logger.warn({ err: error, groupId, role }, `the ${role} group could not be read at start-up`);
        return { groupId, role, isAssignableToRole: undefined };
      }
    }),
  );
}
