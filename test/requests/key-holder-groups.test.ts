import { checkKeyHolderGroups } from '../../src/requests/key-holder-groups';
import { createLogger } from '../../src/log';
import type { GraphEmulator } from '../../tools/graph-emulator';
import { APPROVERS, REVIEWERS, demoSeed, directoryFor, startEmulator } from '../graph/graph-test-kit';

describe('the start-up check of the approver and reviewer groups', () => {
  let emulator: GraphEmulator;
  let lines: string[];
  const logger = () =>
    createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } });
  const warnings = () =>
    lines
      .map((line) => JSON.parse(line) as { level: string; msg: string; role?: string })
      .filter((l) => l.level === 'warn');

  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.close());
  beforeEach(() => {
    lines = [];
  });

  it('warns about each group that is not role-assignable (the demo tenant has two)', async () => {
    emulator.reset();
    const report = await checkKeyHolderGroups(
      directoryFor(emulator),
      { approverGroupId: APPROVERS, reviewerGroupId: REVIEWERS },
      logger(),
    );
    expect(report).toEqual([
      { groupId: APPROVERS, role: 'approver', isAssignableToRole: false },
      { groupId: REVIEWERS, role: 'reviewer', isAssignableToRole: false },
    ]);
    expect(warnings().map((w) => w.role)).toEqual(['approver', 'reviewer']);
    expect(warnings()[0]?.msg).toContain('not role-assignable');
  });

  it('is quiet about role-assignable groups, and warns when a group cannot be read', async () => {
    const seed = demoSeed();
    for (const group of seed.groups ?? []) {
      if (group.id === APPROVERS) {
        group.isAssignableToRole = true;
        group.members = group.members.filter((member) => !member.startsWith('0b7e2f11'));
      }
    }
    emulator.reset(seed);
    emulator.inject(
      'getGroup',
      { kind: 'status', status: 403, code: 'Authorization_RequestDenied' },
      {
        when: (request) => request.params.group === REVIEWERS,
      },
    );
    const report = await checkKeyHolderGroups(
      directoryFor(emulator),
      { approverGroupId: APPROVERS, reviewerGroupId: REVIEWERS },
      logger(),
    );
    expect(report.map((r) => r.isAssignableToRole)).toEqual([true, undefined]);
    expect(warnings()).toEqual([
      expect.objectContaining({ role: 'reviewer', msg: 'the reviewer group could not be read at start-up' }),
    ]);
  });
});
