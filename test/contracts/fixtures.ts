import { createPendingRequest } from '../../src/domain/request-lifecycle';
import type { Actor, OpenResetRequest } from '../../src/domain/reset-request';

export const ADMIN: Actor = { id: 'admin-aad', name: 'Sato Admin' };

export const PHONE = {
  graph: '+81 9012345678',
  international: '+81 90-1234-5678',
  national: '090-1234-5678',
} as const;

/** Every form of PHONE that must never outlive an open request. */
export const PHONE_PATTERN = /9012345678|90-1234-5678|1234-5678/;

export interface PendingOptions {
  aadObjectId?: string;
  name?: string;
  at?: Date;
  id?: string;
  tenantId?: string;
  newPhone?: Parameters<typeof createPendingRequest>[0]['newPhone'];
}

/** A new PENDING request with a full number, as the intake files it. */
export function pending(options: PendingOptions = {}): OpenResetRequest {
  const aadObjectId = options.aadObjectId ?? 'user-1';
  return createPendingRequest(
    {
      ...(options.id === undefined ? {} : { id: options.id }),
      tenantId: options.tenantId ?? 'tenant-1',
      requester: { aadObjectId, teamsUserId: `29:${aadObjectId}`, name: options.name ?? 'Tanaka Hanako' },
      locale: 'ja',
      newPhone: options.newPhone ?? PHONE,
      verification: 'video_call',
      reason: 'New phone',
      diagnosis: {
        path: 'start>S1a>work>noMfa',
        situation: 'S1a',
        errorCodes: [],
        workingMethods: [],
        lostOrStolen: false,
      },
    },
    options.at ?? new Date('2025-01-06T00:00:00.000Z'),
  );
}

/** `base` plus `minutes`. */
export function minutesAfter(base: Date, minutes: number): Date {
  return new Date(base.getTime() + minutes * 60_000);
}
