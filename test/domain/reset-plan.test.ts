import { DEFAULT_METHOD_TYPES } from '../../src/domain/approver-choices';
import { toPhoneNumber } from '../../src/domain/phone';
import {
  authMethodTypesFor,
  endStateProblems,
  needsReleaseCode,
  planReset,
  type PlanInput,
  type PlanRefusal,
  type ResetPlan,
  type StepName,
} from '../../src/domain/reset-plan';
import type { RequestDecision } from '../../src/domain/reset-request';
import { tapLifetimeMinutes } from '../../src/domain/tap-lifetime';

const PHONE = {
  graph: '+81 8098765432',
  international: '+81 80-9876-5432',
  national: '080-9876-5432',
  lastTwo: '32',
};
const approver = { id: 'approver', name: 'Sato Admin' };
const OPTIONS = { tapMaxLifetimeMinutes: 60 };

function input(decision: Partial<RequestDecision> | undefined, lostOrStolen = false): PlanInput {
  return {
    decision: decision === undefined ? undefined : { approver, at: '2025-01-06T00:00:00.000Z', ...decision },
    diagnosis: { lostOrStolen },
    newPhone: PHONE,
  };
}

function plan(decision: Partial<RequestDecision>, lostOrStolen = false): ResetPlan {
  const result = planReset(input(decision, lostOrStolen), OPTIONS);
  if (!result.ok) throw new Error(`refused: ${result.refusal}`);
  return result.plan;
}

describe('planReset: the order of the steps', () => {
  const cases: Array<[string, Partial<RequestDecision>, boolean, StepName[]]> = [
    [
      're-register, changed phone: pass to the requester, revoke once noted',
      { action: 're_register' },
      false,
      [
        'awaitReleaseCode',
        'checkPrivilege',
        'createPass',
        'deleteMethods',
        'verifyEndState',
        'showPassToRequester',
        'awaitPassNoted',
        'revokeSessions',
        'notices',
      ],
    ],
    [
      'no action given means re-register',
      {},
      false,
      [
        'awaitReleaseCode',
        'checkPrivilege',
        'createPass',
        'deleteMethods',
        'verifyEndState',
        'showPassToRequester',
        'awaitPassNoted',
        'revokeSessions',
        'notices',
      ],
    ],
    [
      're-register, lost phone: revoke first, pass to the approver',
      { action: 're_register' },
      true,
      [
        'checkPrivilege',
        'revokeSessions',
        'createPass',
        'deleteMethods',
        'verifyEndState',
        'showPassToApprover',
        'notices',
      ],
    ],
    [
      'replace phone, changed phone',
      { action: 'replace_phone', confirmedByCallback: true },
      false,
      ['checkPrivilege', 'setMobile', 'verifyEndState', 'notices'],
    ],
    [
      'replace phone, lost phone: revoke first',
      { action: 'replace_phone', confirmedByCallback: true },
      true,
      ['checkPrivilege', 'revokeSessions', 'setMobile', 'verifyEndState', 'notices'],
    ],
    [
      're-register without a pass, changed phone',
      { action: 're_register_without_tap' },
      false,
      ['checkPrivilege', 'deleteMethods', 'revokeSessions', 'verifyEndState', 'notices'],
    ],
    [
      're-register without a pass, lost phone: revoke first',
      { action: 're_register_without_tap' },
      true,
      ['checkPrivilege', 'revokeSessions', 'deleteMethods', 'verifyEndState', 'notices'],
    ],
  ];

  it.each(cases)('%s', (_name, decision, lost, expected) => {
    expect(plan(decision, lost).steps).toEqual(expected);
  });

  it('revokes before any change for every lost-phone plan', () => {
    for (const action of ['re_register', 'replace_phone', 're_register_without_tap'] as const) {
      const steps = plan({ action, confirmedByCallback: true }, true).steps;
      expect(steps.indexOf('revokeSessions')).toBe(1);
    }
  });

  it('shows the pass only after the methods were read back, so the check never sees what the person registers with it', () => {
    for (const lost of [false, true]) {
      const steps = plan({ action: 're_register' }, lost).steps;
      const show = steps.findIndex((s) => s.startsWith('showPass'));
      expect(steps.indexOf('verifyEndState')).toBeLessThan(show);
      expect(steps.indexOf('createPass')).toBeLessThan(steps.indexOf('verifyEndState'));
    }
  });

  it('creates the pass before deleting anything, so a refused pass leaves the person what they had', () => {
    for (const lost of [false, true]) {
      const steps = plan({ action: 're_register' }, lost).steps;
      expect(steps.indexOf('createPass')).toBeGreaterThan(-1);
      expect(steps.indexOf('createPass')).toBeLessThan(steps.indexOf('deleteMethods'));
    }
  });

  it('waits for the release code before any change on the changed-phone path only', () => {
    const changed = plan({ action: 're_register' }, false).steps;
    expect(changed[0]).toBe('awaitReleaseCode');
    expect(needsReleaseCode({ action: 're_register' }, { lostOrStolen: false })).toBe(true);
    for (const [action, lost] of [
      ['re_register', true],
      ['replace_phone', false],
      ['re_register_without_tap', false],
    ] as const) {
      expect(plan({ action, confirmedByCallback: true }, lost).steps).not.toContain('awaitReleaseCode');
      expect(needsReleaseCode({ action }, { lostOrStolen: lost })).toBe(false);
    }
  });
});

describe('planReset: what is deleted', () => {
  it.each([
    [
      'the default selection',
      undefined,
      ['mobile', 'alternateMobile', 'office', 'microsoftAuthenticator', 'softwareOath'],
    ],
    ['phone only', ['phone'], ['mobile', 'alternateMobile', 'office']],
    [
      'Windows Hello and FIDO2 only when ticked',
      ['microsoftAuthenticator', 'windowsHelloForBusiness', 'fido2'],
      ['microsoftAuthenticator', 'windowsHelloForBusiness', 'fido2'],
    ],
  ] as const)('%s', (_name, methodTypes, expected) => {
    const result = plan({ action: 're_register', methodTypes: methodTypes && [...methodTypes] });
    expect([...result.deleteTypes].sort()).toEqual([...expected].sort());
    expect(result.deleteTypes).not.toContain('password');
    expect(result.deleteTypes).not.toContain('email');
    // The new pass replaces an older one; deleting passes after creating it would delete the new one.
    expect(result.deleteTypes).not.toContain('temporaryAccessPass');
  });

  it('defaults to phone, Microsoft Authenticator and software OATH', () => {
    expect(DEFAULT_METHOD_TYPES).toEqual(['phone', 'microsoftAuthenticator', 'softwareOath']);
    expect(authMethodTypesFor(DEFAULT_METHOD_TYPES)).not.toContain('windowsHelloForBusiness');
    expect(authMethodTypesFor(DEFAULT_METHOD_TYPES)).not.toContain('fido2');
  });

  it('replace phone deletes nothing and sets the record number on the mobile method', () => {
    const result = plan({ action: 'replace_phone', confirmedByCallback: true });
    expect(result.deleteTypes).toEqual([]);
    expect(result.pass).toBeUndefined();
    expect(result.newMobile).toEqual({ countryCode: '81', nationalNumber: '8098765432' });
  });

  it('re-register without a pass issues none', () => {
    expect(plan({ action: 're_register_without_tap' }).pass).toBeUndefined();
  });
});

describe('planReset: the pass', () => {
  it.each([
    ['the approver asked for less than the maximum', 30, 60, 30],
    ['the approver asked for more than the maximum', 240, 60, 60],
    ['nothing asked: the maximum', undefined, 60, 60],
    ['below Graph’s floor', 5, 60, 10],
    ['a fraction is cut to whole minutes', 25.7, 60, 25],
    ['a maximum under the floor still gives 10', 30, 8, 10],
  ])('%s', (_name, requested, maximum, expected) => {
    expect(tapLifetimeMinutes(requested, maximum)).toBe(expected);
    const result = planReset(input({ action: 're_register', tapLifetimeMinutes: requested }), {
      tapMaxLifetimeMinutes: maximum,
    });
    expect(result.ok && result.plan.pass?.lifetimeMinutes).toBe(expected);
  });

  it.each([
    [false, 'requester'],
    [true, 'approver'],
  ] as const)('lost or stolen %s → shown to the %s', (lost, audience) => {
    expect(plan({ action: 're_register' }, lost).pass?.audience).toBe(audience);
  });
});

describe('planReset: refusals', () => {
  const cases: Array<[string, PlanInput, PlanRefusal]> = [
    ['no decision', input(undefined), 'NO_DECISION'],
    [
      'replace phone without the callback',
      input({ action: 'replace_phone', confirmedByCallback: false }),
      'NOT_CONFIRMED_BY_CALLBACK',
    ],
    ['replace phone, callback missing', input({ action: 'replace_phone' }), 'NOT_CONFIRMED_BY_CALLBACK'],
    [
      'replace phone when only the last two digits remain',
      { ...input({ action: 'replace_phone', confirmedByCallback: true }), newPhone: { lastTwo: '32' } },
      'NO_PHONE_NUMBER',
    ],
    ['nothing ticked', input({ action: 're_register', methodTypes: [] }), 'NO_METHOD_TYPES'],
    [
      'a method type outside the allow-list',
      input({ action: 're_register', methodTypes: ['password' as never] }),
      'UNKNOWN_METHOD_TYPE',
    ],
    ['an unknown action', input({ action: 'wipe_everything' as never }), 'UNKNOWN_ACTION'],
  ];

  it.each(cases)('%s', (_name, planInput, refusal) => {
    expect(planReset(planInput, OPTIONS)).toEqual({ ok: false, refusal });
  });
});

describe('toPhoneNumber', () => {
  it.each([
    ['+81 9012345678', { countryCode: '81', nationalNumber: '9012345678' }],
    ['+1 2065550104', { countryCode: '1', nationalNumber: '2065550104' }],
    ['+44 7700900123', { countryCode: '44', nationalNumber: '7700900123' }],
    ['+81 90-1234-5678', undefined],
    ['090-1234-5678', undefined],
    ['+0 12345678', undefined],
    ['', undefined],
  ])('%j', (graph, expected) => {
    expect(toPhoneNumber(graph)).toEqual(expected);
  });
});

describe('endStateProblems', () => {
  const reRegister = plan({ action: 're_register' });
  const withoutPass = plan({ action: 're_register_without_tap' });
  const replace = plan({ action: 'replace_phone', confirmedByCallback: true });
  const PASS = 'tap-1';

  it.each([
    ['only the password and our pass', reRegister, ['password', `temporaryAccessPass:${PASS}`], []],
    [
      'kept types stay (e-mail, Windows Hello, FIDO2, unknown)',
      reRegister,
      ['password', 'email', 'windowsHelloForBusiness', 'fido2', 'other', `temporaryAccessPass:${PASS}`],
      [],
    ],
    [
      'a deleted type is still there',
      reRegister,
      ['password', 'microsoftAuthenticator', 'mobile', 'mobile', `temporaryAccessPass:${PASS}`],
      ['microsoftAuthenticator', 'mobile'],
    ],
    [
      'someone else’s pass instead of ours',
      reRegister,
      ['password', 'temporaryAccessPass:other'],
      ['temporaryAccessPass'],
    ],
    ['our pass is gone', reRegister, ['password'], ['temporaryAccessPass']],
    [
      'without a pass: any pass is a leftover',
      withoutPass,
      ['password', 'temporaryAccessPass:x'],
      ['temporaryAccessPass'],
    ],
    ['without a pass: clean', withoutPass, ['password', 'email'], []],
  ] as const)('%s', (_name, thePlan, present, expected) => {
    const methods = present.map((entry) => {
      const [type, id] = entry.split(':');
      return { type: type as never, id: id ?? `${type}-id` };
    });
    expect(
      endStateProblems(thePlan, {
        methods,
        mobileMatchesExpected: undefined,
        passMethodId: thePlan.pass ? PASS : undefined,
      }),
    ).toEqual(expected);
  });

  it.each([
    [true, []],
    [false, ['mobile']],
    [undefined, ['mobile']],
  ])('replace phone: the mobile holds the new number = %s', (matches, expected) => {
    expect(
      endStateProblems(replace, { methods: [], mobileMatchesExpected: matches, passMethodId: undefined }),
    ).toEqual(expected);
  });
});
