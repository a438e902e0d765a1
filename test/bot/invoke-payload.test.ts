import { readApprovalInvoke } from '../../src/bot/invoke-payload';

const REQUEST_ID = 'REQ-7KQ2MX';

describe('readApprovalInvoke', () => {
  it('keeps the request id, the verb and the approver inputs that are text, and nothing else', () => {
    const invoke = readApprovalInvoke(
      { trigger: 'manual' },
      {
        action: {
          type: 'Action.Execute',
          verb: 'approve',
          data: {
            requestId: REQUEST_ID,
            verificationMethod: 'video_call',
            methodTypes: 'phone',
            // Not text, as a card never sends it: dropped, so the allow-list check refuses it.
            tapLifetimeMinutes: 60,
            // Whoever built this card data does not choose whose reset it is.
            requester: { aadObjectId: 'someone-else' },
            targetUserId: 'someone-else',
          },
        },
      },
    );
    expect(invoke).toEqual({
      requestId: REQUEST_ID,
      verb: 'approve',
      verbLabel: 'approve',
      automatic: false,
      inputs: { verificationMethod: 'video_call', methodTypes: 'phone' },
    });
  });

  it.each([
    ['no value at all', undefined, undefined],
    ['data that is not an object', undefined, { action: { verb: 'approve', data: 'REQ-7KQ2MX' } }],
    ['data that is a list', undefined, { action: { verb: 'approve', data: [REQUEST_ID] } }],
    [
      'a malformed request id',
      undefined,
      { action: { verb: 'approve', data: { requestId: 'REQ-1; DROP' } } },
    ],
  ])('reads %s as no request', (_case, activityValue, invokeValue) => {
    expect(readApprovalInvoke(activityValue, invokeValue)).toMatchObject({
      requestId: undefined,
      inputs: {},
    });
  });

  it('names an unknown verb for the audit without taking it as one', () => {
    expect(readApprovalInvoke(undefined, { action: { verb: 'x'.repeat(100), data: {} } })).toMatchObject({
      verb: undefined,
      verbLabel: 'x'.repeat(40),
    });
    expect(readApprovalInvoke(undefined, { action: { verb: 7, data: {} } })).toMatchObject({
      verb: undefined,
      verbLabel: 'number',
    });
  });

  it("reads Teams' automatic refresh from the activity, or from the invoke value", () => {
    const action = { verb: 'refresh', data: { requestId: REQUEST_ID } };
    expect(readApprovalInvoke({ trigger: 'automatic' }, { action }).automatic).toBe(true);
    expect(readApprovalInvoke(undefined, { action, trigger: 'automatic' }).automatic).toBe(true);
    expect(readApprovalInvoke({ trigger: 'manual' }, { action }).automatic).toBe(false);
  });
});
