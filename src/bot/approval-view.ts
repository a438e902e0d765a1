import { isWithinOfficeHours } from '../domain/office-hours';
import type { ApprovalCardData } from '../../cards/approval';
import type { ApprovalRestrictedCardData } from '../../cards/approval-restricted';
import type { Config, Locale } from '../config';
import type { ResetRequest } from '../domain/reset-request';
import { isOpenRequest } from '../domain/request-lifecycle';
import {
  actionsFor,
  DEFAULT_METHOD_TYPES,
  DEFAULT_RESET_ACTION,
  RESET_METHOD_TYPES,
  VERIFICATION_METHODS,
} from '../domain/approver-choices';
import { tapLifetime } from '../domain/tap-lifetime';
import { catalogues, type MessageKey } from '../i18n/catalogues';
import { formatDateTime } from '../i18n/format';
import type { Localizer } from '../i18n/localizer';
import type { Logger } from '../log';
import type { Directory, TargetFacts } from '../ports/directory';
import type { RequestStore } from '../ports/request-store';
import { loadTargetFacts as loadFacts } from '../requests/target-facts';
import { blocksApproval } from '../requests/approval-block';
import { keyHolderGroups } from '../requests/key-holder-groups';

export type { TargetFacts } from '../ports/directory';

export type ApprovalViewConfig = Pick<
  Config,
  | 'limits'
  | 'defaultLocale'
  | 'timeZone'
  | 'officeHours'
  | 'tapMaxLifetimeMinutes'
  | 'breakGlassUserIds'
  | 'approverGroupId'
  | 'reviewerGroupId'
>;

export interface ApprovalViewDependencies {
  directory: Directory;
  requests: RequestStore;
  localizer: Localizer;
  config: ApprovalViewConfig;
  logger: Logger;
}

/** Looks the target up live (see src/requests/target-facts.ts). */
export function loadTargetFacts(deps: ApprovalViewDependencies, request: ResetRequest): Promise<TargetFacts> {
  return loadFacts({ ...deps, keyHolderGroupIds: keyHolderGroups(deps.config) }, request);
}

/** The card for someone who may not see the request: its id and why, nothing about the person. */
export function restrictedCardData(
  localizer: Localizer,
  locale: Locale,
  requestId: string | undefined,
  reason: MessageKey,
): ApprovalRestrictedCardData {
  return {
    title: requestId
      ? localizer.t(locale, 'approval.title', { requestId })
      : localizer.t(locale, 'approval.restricted.title'),
    message: localizer.t(locale, reason),
  };
}

export function isOutsideOfficeHours(date: Date, config: Pick<Config, 'officeHours' | 'timeZone'>): boolean {
  return !isWithinOfficeHours(date, config);
}

/** A message key that may not exist (step names come from the executor); falls back to the raw text. */
function optionalText(localizer: Localizer, locale: Locale, key: string, fallback: string): string {
  return key in catalogues[locale] ? localizer.t(locale, key as MessageKey) : fallback;
}

const STATE_COLOR: Record<ResetRequest['state'], ApprovalCardData['stateColor']> = {
  PENDING: 'accent',
  APPROVED: 'accent',
  EXECUTING: 'accent',
  DONE: 'good',
  PARTIAL: 'warning',
  FAILED: 'attention',
  DENIED: 'default',
  CANCELLED: 'default',
  EXPIRED: 'default',
};

/**
 * Everything the approval card shows, in the approvers' language. Facts about the request come
 * from the stored record and live lookups only, never from anything a card sent back.
 */
export function approvalCardData(
  deps: Pick<ApprovalViewDependencies, 'localizer' | 'config'>,
  request: ResetRequest,
  facts: TargetFacts,
  notice?: string,
): ApprovalCardData {
  const { localizer, config } = deps;
  const locale = config.defaultLocale;
  const t = (key: MessageKey, params?: Record<string, string | number>): string =>
    localizer.t(locale, key, params);
  const when = (iso: string): string => formatDateTime(new Date(iso), locale, config.timeZone);
  const unknown = t('approval.fact.unknown');
  const lifetime = tapLifetime(config.tapMaxLifetimeMinutes);

  const facts_: Array<{ label: string; value: string }> = [
    { label: t('approval.fact.requester'), value: facts.user?.displayName ?? request.requester.name },
    { label: t('approval.fact.upn'), value: facts.user?.userPrincipalName ?? unknown },
    { label: t('approval.fact.department'), value: facts.user?.department ?? unknown },
    { label: t('approval.fact.manager'), value: facts.manager?.displayName ?? unknown },
    { label: t('approval.fact.created'), value: when(request.createdAt) },
    {
      label: t('approval.fact.newPhone'),
      value: !request.newPhone
        ? t('approval.fact.newPhoneNone')
        : isOpenRequest(request)
          ? `${request.newPhone.national} (${request.newPhone.international})`
          : t('approval.fact.newPhoneGone', { lastTwo: request.newPhone.lastTwo }),
    },
    { label: t('approval.fact.offeredCheck'), value: t(`approval.verification.${request.verification}`) },
    {
      label: t('approval.fact.situation'),
      value: optionalText(localizer, locale, `approval.situation.${request.diagnosis.situation}`, unknown),
    },
    {
      label: t('approval.fact.stillWorks'),
      value:
        request.diagnosis.workingMethods
          .map((method) => optionalText(localizer, locale, `approval.workingMethod.${method}`, method))
          .join(', ') || unknown,
    },
  ];
  if (request.diagnosis.errorCodes.length > 0) {
    facts_.push({ label: t('approval.fact.errorCodes'), value: request.diagnosis.errorCodes.join(', ') });
  }

  const methods = (facts.methods ?? []).filter((method) => method.type !== 'password');
  const methodsNote =
    facts.methods === undefined
      ? t('approval.methods.unavailable')
      : methods.length === 0
        ? t('approval.methods.none')
        : '';

  const flags: string[] = [];
  const breakGlass = config.breakGlassUserIds.includes(request.requester.aadObjectId.toLowerCase());
  if (facts.privilege === undefined) flags.push(t('approval.flag.privilegeUnknown'));
  else {
    const roles = [
      ...new Set(facts.privilege.grants.map((grant) => grant.roleName ?? grant.roleDefinitionId)),
    ];
    if (roles.length > 0) flags.push(t('approval.flag.privileged', { roles: roles.join(', ') }));
    const groups = facts.privilege.groupLinks.map((link) =>
      t(`approval.flag.groupLink.${link.relation}.${link.assignment}`, { group: link.groupName }),
    );
    if (groups.length > 0) flags.push(t('approval.flag.groupLinks', { groups: groups.join(', ') }));
    for (const groupId of facts.privilege.keyHolderGroupIds) {
      flags.push(
        t(groupId === config.approverGroupId ? 'approval.flag.approverGroup' : 'approval.flag.reviewerGroup'),
      );
    }
  }
  if (breakGlass) flags.push(t('approval.flag.breakGlass'));
  if (request.diagnosis.lostOrStolen) flags.push(t('approval.flag.lost'));
  if (isOutsideOfficeHours(new Date(request.createdAt), config)) flags.push(t('approval.flag.outsideHours'));
  if (facts.monthlyCount > 1) flags.push(t('approval.flag.monthly', { count: facts.monthlyCount }));
  if (facts.user && !facts.user.accountEnabled) flags.push(t('approval.flag.disabled'));
  if (facts.user?.userType === 'Guest') flags.push(t('approval.flag.guest'));

  const upn = facts.user?.userPrincipalName;
  const links = upn
    ? [
        {
          title: t('approval.link.chat'),
          url: `https://teams.microsoft.com/l/chat/0/0?users=${encodeURIComponent(upn)}`,
        },
        {
          title: t('approval.link.call'),
          url: `https://teams.microsoft.com/l/call/0/0?users=${encodeURIComponent(upn)}`,
        },
      ]
    : [];

  const statusLines: string[] = [];
  if (notice) statusLines.push(notice);
  if (request.claimedBy && request.state === 'PENDING') {
    statusLines.push(
      t('approval.claimedBy', { name: request.claimedBy.name, at: when(request.claimedBy.at) }),
    );
  }
  const decision = request.decision;
  if (decision && request.state !== 'PENDING') {
    statusLines.push(
      t('approval.decidedBy', {
        name: decision.approver.name,
        at: when(decision.at),
        verification: decision.verificationMethod
          ? t(`approval.verification.${decision.verificationMethod}`)
          : unknown,
      }),
    );
    if (decision.denyReason) statusLines.push(t('approval.deniedReason', { reason: decision.denyReason }));
  }
  // The latest status of each step, in the order the steps were first recorded.
  const latest = new Map<string, string>();
  for (const step of request.execution?.steps ?? []) latest.set(step.name, step.status);
  for (const [name, status] of latest) {
    statusLines.push(
      t('approval.step.line', {
        step: optionalText(localizer, locale, `approval.step.name.${name}`, name),
        status: t(`approval.step.status.${status}` as MessageKey),
      }),
    );
  }
  if (request.release?.heldAt !== undefined && request.state === 'EXECUTING') {
    statusLines.push(t('approval.release.held', { requestId: request.id, name: request.requester.name }));
  }
  const loopOutcome = request.execution?.loop?.outcome;
  if (loopOutcome)
    statusLines.push(t(loopOutcome === 'registered' ? 'approval.loop.registered' : 'approval.loop.expired'));
  const remaining = request.execution?.remaining ?? [];
  if (remaining.length > 0) {
    statusLines.push(
      t('approval.remaining', {
        methods: remaining
          .map((type) => optionalText(localizer, locale, `approval.methodType.${type}`, type))
          .join(', '),
      }),
    );
  }

  const actionable = request.state === 'PENDING';
  return {
    requestId: request.id,
    title: t('approval.title', { requestId: request.id }),
    stateText: t(`approval.state.${request.state}`),
    stateColor: STATE_COLOR[request.state],
    statusLines,
    facts: facts_,
    reason: { label: t('approval.fact.reason'), text: request.reason || unknown },
    methodsTitle: t('approval.methods.title'),
    methods: methods.map((method) => ({
      label: optionalText(localizer, locale, `approval.methodType.${method.type}`, method.type),
      detail:
        [method.maskedDetail, method.displayName]
          .filter((part) => part !== undefined && part !== '')
          .join(' / ') || '—',
    })),
    methodsNote,
    flagsTitle: t('approval.flags.title'),
    flags: flags.map((flag) => `${t('common.bullet')}${flag}`),
    links,
    actionable,
    canApprove: actionable && !blocksApproval(facts, request, config.breakGlassUserIds),
    inputs: {
      verificationLabel: t('approval.input.verification'),
      verificationChoices: VERIFICATION_METHODS.map((value) => ({
        title: t(`approval.verification.${value}`),
        value,
      })),
      actionLabel: t('approval.input.action'),
      actionDefault: DEFAULT_RESET_ACTION,
      actionChoices: actionsFor(request).map((value) => ({ title: t(`approval.action.${value}`), value })),
      methodsLabel: t('approval.input.methods'),
      methodsDefault: DEFAULT_METHOD_TYPES.join(','),
      methodChoices: RESET_METHOD_TYPES.map((value) => ({ title: t(`approval.method.${value}`), value })),
      tapLifetimeLabel: t('approval.input.tapLifetime', { max: lifetime.maxMinutes }),
      tapLifetimeMin: lifetime.minMinutes,
      tapLifetimeDefault: lifetime.defaultMinutes,
      tapLifetimeMax: lifetime.maxMinutes,
      callbackLabel: t('approval.input.callback'),
      denyReasonLabel: t('approval.input.denyReason'),
    },
    buttons: {
      approve: t('approval.button.approve'),
      deny: t('approval.button.deny'),
      claim: t('approval.button.claim'),
      refresh: t('approval.button.refresh'),
    },
  };
}
