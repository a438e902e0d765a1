import type { Locale } from '../../src/config';
import type { AdaptiveCardJson } from '../../cards/render';
import { renderAdviceCard } from '../../cards/advice';
import { adviceCardData, questionCardData, type CardNotes } from '../../dialogs/diagnosis-cards';
import { renderQuestionCard } from '../../cards/question';
import { renderRequestConfirmationCard } from '../../cards/request-confirmation';
import { renderRequestStatusCard } from '../../cards/request-status';
import { renderWelcomeCard, welcomeCardData } from '../../cards/welcome';
import { diagnosisMap, type NodeId } from '../../src/domain/diagnosis-map';
import { tailoredStageOf } from '../../src/domain/tailored-advice';
import { tailoredEn, type TailoredKey } from '../../src/i18n/tailored.en';
import { testConfig, testLocalizer } from '../support/test-config';
import { renderApprovalCard } from '../../cards/approval';
import { renderApprovalRestrictedCard } from '../../cards/approval-restricted';
import { passCardData, renderPassCard } from '../../cards/pass';
import { approvalCardData, restrictedCardData, type TargetFacts } from '../../src/bot/approval-view';
import { createPendingRequest, transition } from '../../src/domain/request-lifecycle';
import type { ResetRequest } from '../../src/domain/reset-request';
import { renderReviewListCard } from '../../cards/review-list';
import { renderReviewRequestCard } from '../../cards/review-request';
import { reviewRequestCardData, transcriptPages } from '../../src/bot/reviewer-view';
import { buildTimeline, type RequestDetail } from '../../src/review/queries';
import { requestNextLines } from '../../dialogs/request-next-steps';

const localizer = testLocalizer();

export const pending = createPendingRequest(
  {
    tenantId: '9a3b5c7d-1e2f-4a6b-8c9d-0e1f2a3b4c5d',
    requester: {
      aadObjectId: '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a01',
      teamsUserId: '29:hanako',
      name: '山田 花子',
    },
    locale: 'ja',
    newPhone: { graph: '+81 9012345678', international: '+81 90-1234-5678', national: '090-1234-5678' },
    verification: 'video_call',
    reason: '機種変更で番号が変わりました',
    diagnosis: {
      path: 'start>changed.oldPhone>work.request',
      situation: 'S1b',
      errorCodes: ['0x8019019a'],
      workingMethods: ['none'],
      lostOrStolen: true,
    },
  },
  new Date('2026-11-22T23:30:00Z'),
);
const approver = { id: '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a05', name: '佐藤 健' };
const executing: ResetRequest = {
  ...transition(
    {
      ...pending,
      decision: {
        approver,
        at: '2026-11-23T00:10:00Z',
        verificationMethod: 'video_call',
        action: 're_register',
        methodTypes: ['phone'],
        tapLifetimeMinutes: 60,
      },
    },
    'APPROVED',
    approver,
    new Date('2026-11-23T00:10:00Z'),
  ),
};
const running = {
  ...transition(executing, 'EXECUTING', approver, new Date('2026-11-23T00:10:01Z')),
  execution: {
    steps: [
      { name: 'revokeSessions', status: 'succeeded' as const, at: '2026-11-23T00:10:02Z' },
      { name: 'deleteMethods', status: 'started' as const, at: '2026-11-23T00:10:03Z' },
    ],
  },
};
const partial = {
  ...transition(running, 'PARTIAL', approver, new Date('2026-11-23T00:11:00Z')),
  execution: { ...running.execution, remaining: ['alternateMobile'] },
};
export const facts: TargetFacts = {
  user: {
    id: pending.requester.aadObjectId,
    displayName: '山田 花子',
    userPrincipalName: 'hanako.yamada@contoso.onmicrosoft.com',
    mail: 'hanako.yamada@contoso.onmicrosoft.com',
    department: '営業部',
    usageLocation: 'JP',
    accountEnabled: false,
    userType: 'Guest',
  },
  manager: undefined,
  methods: [
    {
      type: 'mobile',
      id: 'm1',
      maskedDetail: '+81 ********78',
      displayName: undefined,
      createdDateTime: undefined,
      odataType: '',
    },
    {
      type: 'microsoftAuthenticator',
      id: 'a1',
      maskedDetail: undefined,
      displayName: 'iPhone 15',
      createdDateTime: undefined,
      odataType: '',
    },
  ],
  privilege: { privileged: false, grants: [], groupLinks: [], keyHolderGroupIds: [] },
  monthlyCount: 2,
};
const privilegedFacts: TargetFacts = {
  ...facts,
  privilege: {
    privileged: true,
    groupLinks: [],
    keyHolderGroupIds: [],
    grants: [
      {
        assignment: 'eligible',
        roleDefinitionId: 'r',
        roleName: 'User Administrator',
        via: { kind: 'direct' },
      },
    ],
  },
};
export const approvalDeps = { localizer, config: testConfig() };

/**
 * Where the diagnosis shows notes tailored to the registered methods: the card without notes, with
 * every note at once (the longest it can get) and with the one line shown when Graph was down.
 */
function tailoredVariants(node: NodeId, locale: Locale): CardNotes[] {
  const none: CardNotes = { notes: [], notesTitle: '' };
  if (!tailoredStageOf(node)) return [none];
  const keys = (Object.keys(tailoredEn) as TailoredKey[]).filter(
    (key) => key !== 'tailored.title' && key !== 'tailored.unavailable',
  );
  return [
    none,
    {
      notesTitle: localizer.t(locale, 'tailored.title'),
      notes: keys.map((key) => localizer.t(locale, key, { name: 'iPhone 15' })),
    },
    { notesTitle: '', notes: [localizer.t(locale, 'tailored.unavailable')] },
  ];
}

/**
 * One entry per template in cards/: how to render it with realistic data in a given language.
 * The shared card test fails when a template has no entry here. Where a card shows the
 * diagnosis map, every node of the real map is rendered, so all shipped text is parsed.
 */
export const cardFixtures: Record<string, (locale: Locale) => AdaptiveCardJson[]> = {
  // The approval card is shown in the approvers' language (the configured default), whatever the locale.
  approval: () => [
    renderApprovalCard(approvalCardData(approvalDeps, pending, facts)),
    renderApprovalCard(approvalCardData(approvalDeps, pending, privilegedFacts, '特権アカウントです')),
    renderApprovalCard(approvalCardData(approvalDeps, running, facts)),
    renderApprovalCard(approvalCardData(approvalDeps, partial, facts)),
    renderApprovalCard(
      approvalCardData(approvalDeps, pending, { ...facts, methods: undefined, privilege: undefined }),
    ),
  ],
  'approval-restricted': (locale) => [
    renderApprovalRestrictedCard(
      restrictedCardData(localizer, locale, pending.id, 'approval.refused.notApprover'),
    ),
    renderApprovalRestrictedCard(
      restrictedCardData(localizer, locale, undefined, 'approval.restricted.tooOften'),
    ),
  ],
  pass: (locale) =>
    (
      [
        { kind: 'askCode', requestId: pending.id },
        { kind: 'pass', requestId: pending.id, pass: 'Xk7!p2Qd9Lm#', expiresAt: '2026/11/23 10:10' },
        {
          kind: 'pass',
          requestId: pending.id,
          pass: 'Xk7!p2Qd9Lm#',
          expiresAt: '2026/11/23 10:10',
          forApproverAbout: '山田 花子',
        },
        { kind: 'withdrawn', requestId: pending.id },
      ] as const
    ).map((view) => renderPassCard(passCardData(localizer, locale, view))),
  welcome: (locale) => [renderWelcomeCard(welcomeCardData(localizer, locale, 30))],

  question: (locale) =>
    [...diagnosisMap.values()].flatMap((node) =>
      node.kind !== 'question'
        ? []
        : tailoredVariants(node.id, locale).map((notes) =>
            renderQuestionCard(questionCardData(localizer, locale, node, notes)),
          ),
    ),

  advice: (locale) =>
    [...diagnosisMap.values()].flatMap((node) =>
      node.kind === 'question'
        ? []
        : tailoredVariants(node.id, locale).map((notes) =>
            renderAdviceCard(adviceCardData(localizer, locale, node, notes)),
          ),
    ),

  'request-confirmation': (locale) => [
    renderRequestConfirmationCard({
      node: 'confirm',
      title: localizer.t(locale, 'intake.confirm.title'),
      facts: [
        { label: localizer.t(locale, 'intake.confirm.phone'), value: '090-1234-5678 (+81 90-1234-5678)' },
        {
          label: localizer.t(locale, 'intake.confirm.verification'),
          value: localizer.t(locale, 'intake.verification.video_call'),
        },
        { label: localizer.t(locale, 'intake.confirm.reason'), value: '機種変更で番号が変わりました' },
      ],
      buttons: [
        { value: 'submit', label: localizer.t(locale, 'intake.confirm.submit'), style: 'positive' },
        { value: 'editPhone', label: localizer.t(locale, 'intake.confirm.editPhone'), style: 'default' },
        { value: 'cancel', label: localizer.t(locale, 'intake.confirm.cancel'), style: 'default' },
      ],
    }),
  ],

  'request-status': (locale) => [
    renderRequestStatusCard({
      title: localizer.t(locale, 'status.title', { requestId: 'REQ-7K3F9Q' }),
      facts: [
        { label: localizer.t(locale, 'status.state'), value: localizer.t(locale, 'status.state.PENDING') },
        {
          label: localizer.t(locale, 'status.phone'),
          value: localizer.t(locale, 'status.phoneMasked', { lastTwo: '78' }),
        },
      ],
      notes: requestNextLines(localizer, locale, pending, testConfig()),
      requestId: 'REQ-7K3F9Q',
      canCancel: true,
      cancelLabel: localizer.t(locale, 'lifecycle.cancelButton'),
    }),
  ],

  // A long conversation, so the first and the last transcript page are both rendered and size-checked.
  'review-request': (locale) => {
    const transcript = Array.from({ length: 120 }, (_, index) => ({
      at: new Date(Date.UTC(2026, 10, 22, 23, 0, index)).toISOString(),
      direction: index % 2 === 0 ? ('incoming' as const) : ('outgoing' as const),
      speaker: index % 2 === 0 ? '山田 花子' : 'MFA ヘルプデスク',
      text: `${index}: 機種変更で番号が変わり、確認コードが古い番号 [phone •••78] に届きます。`.repeat(12),
    }));
    const details: RequestDetail[] = [
      {
        request: partial,
        audit: [],
        timeline: buildTimeline(partial, []),
        transcript,
        steps: partial.execution.steps.map((step) => ({
          ...step,
          graphRequestId: 'a1b2c3',
          error: undefined,
        })),
        remaining: ['alternateMobile'],
      },
      {
        request: pending,
        audit: [],
        timeline: buildTimeline(pending, []),
        transcript: [],
        steps: [],
        remaining: [],
      },
    ];
    return details.flatMap((detail) => {
      const pages = transcriptPages(detail.transcript);
      return [0, pages.length - 1].map((page) =>
        renderReviewRequestCard(reviewRequestCardData(approvalDeps, locale, detail, pages, page)),
      );
    });
  },

  'review-list': (locale) => [
    renderReviewListCard({
      title: localizer.t(locale, 'review.list.title'),
      filterLine: localizer.t(locale, 'review.list.filter', {
        filter: localizer.t(locale, 'review.list.filterAll'),
      }),
      pageLine: localizer.t(locale, 'review.list.page', { first: 1, last: 10 }),
      empty: false,
      emptyText: localizer.t(locale, 'review.list.empty'),
      rows: Array.from({ length: 10 }, () => ({
        requestId: pending.id,
        title: localizer.t(locale, 'review.list.rowTitle', { requestId: pending.id, name: '山田 花子' }),
        detail: localizer.t(locale, 'review.list.rowDetail', {
          state: localizer.t(locale, 'status.state.PENDING'),
          at: '2026/11/23 8:30 (日本標準時)',
        }),
        openLabel: localizer.t(locale, 'review.list.open'),
      })),
      buttons: [
        {
          title: localizer.t(locale, 'review.list.more'),
          state: '',
          person: '',
          since: '',
          until: '',
          offset: '10',
        },
        {
          title: localizer.t(locale, 'status.state.FAILED'),
          state: 'FAILED',
          person: '',
          since: '',
          until: '',
          offset: '0',
        },
      ],
    }),
    renderReviewListCard({
      title: localizer.t(locale, 'review.list.title'),
      filterLine: localizer.t(locale, 'review.list.filter', {
        filter: localizer.t(locale, 'status.state.DONE'),
      }),
      pageLine: '',
      empty: true,
      emptyText: localizer.t(locale, 'review.list.empty'),
      rows: [],
      buttons: [
        {
          title: localizer.t(locale, 'review.list.all'),
          state: '',
          person: '',
          since: '',
          until: '',
          offset: '0',
        },
      ],
    }),
  ],
};
