import {
  MessageFactory,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type TurnContext,
} from 'botbuilder';
import { renderReviewListCard, isReviewVerb, type ReviewListButton } from '../../cards/review-list';
import { renderReviewRequestCard, type ReviewRequestCardData } from '../../cards/review-request';
import { toAttachment, type AdaptiveCardJson } from '../../cards/render';
import type { Config, Locale } from '../config';
import type { AuditActor, AuditEventType } from '../domain/audit';
import { isRequestId, REQUEST_STATES, type RequestState, type ResetRequest } from '../domain/reset-request';
import type { MessageKey } from '../i18n/catalogues';
import { formatDateTime } from '../i18n/format';
import type { Localizer, MessageParams } from '../i18n/localizer';
import type { Logger } from '../log';
import type { AuditLog } from '../ports/audit-log';
import type { Directory } from '../ports/directory';
import type { RequestStore } from '../ports/request-store';
import type { TranscriptStore } from '../ports/transcript-store';
import {
  isRequestState,
  loadRequestDetail,
  parseDateArg,
  auditedDecision,
  redactor,
  truncate,
  type Redact,
  type RequestDetail,
  type TranscriptLine,
} from '../review/queries';
import type { RequestSearch, ReviewFilter } from '../ports/request-search';
import { turnLocale } from '../../dialogs/turn-locale';

export interface ReviewerDeskDependencies {
  directory: Pick<Directory, 'memberOfGroups'>;
  requests: Pick<RequestStore, 'get'>;
  audit: AuditLog;
  transcripts: Pick<TranscriptStore, 'listByRequest'>;
  search: RequestSearch;
  localizer: Localizer;
  config: Pick<Config, 'reviewerGroupId' | 'timeZone' | 'sensitivePatterns'>;
  logger: Logger;
}

/** Typed commands the desk answers, in both languages. */
const LIST_COMMAND = /^(?:requests|申請一覧)(?:\s+(.*))?$/iu;
const OPEN_COMMAND = /^(?:request|申請)\s+(\S+)$/iu;

export const REVIEW_PAGE_SIZE = 10;
/** Text budget for one transcript page; the rest of the card stays well under Teams' 28 KB. */
const TRANSCRIPT_PAGE_BYTES = 12 * 1024;
const MAX_LINE_CHARS = 600;
const MAX_TIMELINE_ENTRIES = 60;
const MAX_TIMELINE_CHARS = 240;
const MAX_PERSON_CHARS = 100;

/** What a list command or button asks for; every field comes from the user and is checked here. */
export interface ListQuery {
  state: RequestState | undefined;
  person: string | undefined;
  since: string | undefined;
  until: string | undefined;
  offset: number;
}

const EMPTY_QUERY: ListQuery = {
  state: undefined,
  person: undefined,
  since: undefined,
  until: undefined,
  offset: 0,
};

/** `DONE`, `since:2026-11-01`, `until:2026-11-30`, `person:山田`; any other words name the person. */
export function parseListArguments(text: string | undefined): ListQuery {
  const query: ListQuery = { ...EMPTY_QUERY };
  const rest: string[] = [];
  for (const word of (text ?? '').split(/\s+/u).filter((part) => part !== '')) {
    const upper = word.toUpperCase();
    const [key, value] = splitOption(word);
    if (isRequestState(upper)) query.state = upper;
    else if (key === 'since' || key === 'from') query.since = value;
    else if (key === 'until' || key === 'to') query.until = value;
    else if (key === 'person') rest.push(value);
    else rest.push(word);
  }
  if (rest.length > 0) query.person = rest.join(' ').slice(0, MAX_PERSON_CHARS);
  return query;
}

function splitOption(word: string): [string, string] {
  const match = /^([a-z]+)[:：=](.*)$/iu.exec(word);
  return match ? [(match[1] ?? '').toLowerCase(), match[2] ?? ''] : ['', word];
}

/** A list button's data: only the known fields, each checked; anything else is dropped. */
export function readListQuery(data: Record<string, unknown>): ListQuery {
  const text = (key: string): string | undefined =>
    typeof data[key] === 'string' && data[key].trim() !== '' ? data[key].trim() : undefined;
  const state = text('state')?.toUpperCase();
  const offset = Number(text('offset') ?? '0');
  return {
    state: state !== undefined && isRequestState(state) ? state : undefined,
    person: text('person')?.slice(0, MAX_PERSON_CHARS),
    since: text('since'),
    until: text('until'),
    offset: Number.isSafeInteger(offset) && offset >= 0 && offset < 100_000 ? offset : 0,
  };
}

/**
 * The IT reviewer's view in Teams (issue 7): recent requests as a card, and one request in full
 * (timeline with the actors' names as recorded then, the approver's verification, the Graph outcome
 * and the redacted transcript). Reviewer rights are checked live on every command and click; every
 * look is audited, and so is every refusal. Card data only ever names a request and a filter: the
 * facts shown are read from storage each time.
 */
export class ReviewerDesk {
  private readonly redact: Redact;

  constructor(private readonly deps: ReviewerDeskDependencies) {
    this.redact = redactor(deps.config.sensitivePatterns);
  }

  /** Answers a typed review command; false when the text is not one (the dialogs get it then). */
  async handleCommand(context: TurnContext, text: string): Promise<boolean> {
    const normalised = text.replace(/\u3000/gu, ' ').trim();
    const list = LIST_COMMAND.exec(normalised);
    const open = list ? null : OPEN_COMMAND.exec(normalised);
    if (!list && !open) return false;
    const locale = turnLocale(context);
    const actor = actorOf(context);
    const command = list ? 'list' : 'open';
    const allowed = await this.authorise(actor, command);
    if (allowed !== true) {
      await context.sendActivity(this.deps.localizer.t(locale, allowed));
      return true;
    }
    const card = list
      ? await this.listCard(locale, parseListArguments(list[1]), actor)
      : await this.requestCard(locale, (open?.[1] ?? '').toUpperCase(), 0, actor);
    if (typeof card === 'string') await context.sendActivity(card);
    else await context.sendActivity(MessageFactory.attachment(toAttachment(card)));
    return true;
  }

  /** Answers a `review.*` card action; `undefined` for any other verb (the approval handler's). */
  async handleInvoke(
    context: TurnContext,
    value: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse | undefined> {
    const verb: unknown = value.action?.verb;
    if (typeof verb !== 'string' || !verb.startsWith('review.')) return undefined;
    const locale = turnLocale(context);
    const actor = actorOf(context);
    const allowed = await this.authorise(actor, verb);
    if (allowed !== true) return this.message(locale, allowed);
    if (!isReviewVerb(verb)) return this.message(locale, 'review.notFound', { requestId: '-' });
    const data = typeof value.action.data === 'object' && value.action.data !== null ? value.action.data : {};
    // An automatic refresh is not a person looking: it shows the list, never opens (or audits) a request.
    const raw = context.activity.value as { trigger?: unknown } | undefined;
    const card =
      verb === 'review.list' || raw?.trigger === 'automatic'
        ? await this.listCard(locale, readListQuery(data), actor)
        : await this.requestCard(
            locale,
            typeof data.requestId === 'string' ? data.requestId : '',
            Number(data.page ?? 0),
            actor,
          );
    return typeof card === 'string'
      ? this.message(locale, undefined, undefined, card)
      : { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card };
  }

  /** Live membership check; refusals (and failed checks) are audited as `review.refused`. */
  private async authorise(actor: AuditActor | undefined, attempt: string): Promise<true | MessageKey> {
    if (!actor) {
      await this.record({
        type: 'review.refused',
        actor: null,
        data: { attempt, reason: 'no user identity' },
      });
      return 'review.refused';
    }
    let member: boolean;
    try {
      const groups = await this.deps.directory.memberOfGroups(actor.id, [this.deps.config.reviewerGroupId]);
      member = groups.has(this.deps.config.reviewerGroupId);
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'reviewer check failed');
      await this.record({
        type: 'review.refused',
        actor,
        data: { attempt, reason: 'reviewer check unavailable' },
      });
      return 'review.unavailable';
    }
    if (!member) {
      await this.record({ type: 'review.refused', actor, data: { attempt, reason: 'not a reviewer' } });
      return 'review.refused';
    }
    return true;
  }

  private async listCard(
    locale: Locale,
    query: ListQuery,
    actor: AuditActor | undefined,
  ): Promise<AdaptiveCardJson> {
    const t = (key: MessageKey, params?: MessageParams): string => this.deps.localizer.t(locale, key, params);
    const filter: ReviewFilter = { limit: REVIEW_PAGE_SIZE + 1, offset: query.offset };
    if (query.state) filter.states = [query.state];
    if (query.person) filter.person = query.person;
    const since = query.since ? parseDateArg(query.since, this.deps.config.timeZone) : undefined;
    const until = query.until ? parseDateArg(query.until, this.deps.config.timeZone, true) : undefined;
    if (since) filter.since = since;
    if (until) filter.until = until;
    const found = await this.deps.search.search(filter);
    const rows = found.slice(0, REVIEW_PAGE_SIZE);
    await this.record({
      type: 'review.listed',
      actor: actor ?? null,
      data: {
        state: query.state,
        person: query.person,
        since: since?.toISOString(),
        until: until?.toISOString(),
        offset: query.offset,
        count: rows.length,
      },
    });
    const filterParts = [
      ...(query.state ? [t(`status.state.${query.state}` as MessageKey)] : []),
      ...(query.person ? [t('review.list.filterPerson', { name: query.person })] : []),
      ...(since ? [t('review.list.filterSince', { at: this.time(locale, since.toISOString()) })] : []),
      ...(until ? [t('review.list.filterUntil', { at: this.time(locale, until.toISOString()) })] : []),
    ];
    const keep = {
      person: query.person ?? '',
      since: since ? (query.since ?? '') : '',
      until: until ? (query.until ?? '') : '',
    };
    const button = (title: string, state: string, offset: number): ReviewListButton => ({
      title,
      state,
      ...keep,
      offset: String(offset),
    });
    const buttons: ReviewListButton[] = [];
    if (found.length > REVIEW_PAGE_SIZE) {
      buttons.push(button(t('review.list.more'), query.state ?? '', query.offset + REVIEW_PAGE_SIZE));
    }
    if (query.offset > 0) buttons.push(button(t('review.list.first'), query.state ?? '', 0));
    // Quick filters for the states a reviewer looks at most; the rest are typed (`requests FAILED`).
    for (const state of ['PENDING', 'PARTIAL', 'FAILED'] as const) {
      if (state !== query.state) buttons.push(button(t(`status.state.${state}`), state, 0));
    }
    if (query.state) buttons.push(button(t('review.list.all'), '', 0));
    return renderReviewListCard({
      title: t('review.list.title'),
      filterLine: `${t('review.list.filter')} ${
        filterParts.length > 0 ? filterParts.join(' · ') : t('review.list.filterAll')
      }`,
      pageLine:
        rows.length === 0
          ? ''
          : t('review.list.page', { first: query.offset + 1, last: query.offset + rows.length }),
      empty: rows.length === 0,
      emptyText: t('review.list.empty'),
      rows: rows.map((request) => ({
        requestId: request.id,
        title: this.clean(t('review.list.rowTitle', { requestId: request.id, name: request.requester.name })),
        detail: this.clean(
          t('review.list.rowDetail', {
            state: t(`status.state.${request.state}`),
            at: this.time(locale, request.createdAt),
          }),
        ),
        openLabel: t('review.list.open'),
      })),
      buttons: buttons.slice(0, 5),
    });
  }

  private async requestCard(
    locale: Locale,
    requestId: string,
    pageNumber: number,
    actor: AuditActor | undefined,
  ): Promise<AdaptiveCardJson | string> {
    const t = (key: MessageKey, params?: MessageParams): string => this.deps.localizer.t(locale, key, params);
    if (!isRequestId(requestId))
      return t('review.notFound', { requestId: truncate(this.clean(requestId), 20) || '-' });
    const detail = await loadRequestDetail(
      { ...this.deps, extraPatterns: this.deps.config.sensitivePatterns },
      requestId,
    );
    if (!detail) return t('review.notFound', { requestId });
    const pages = transcriptPages(detail.transcript);
    const page =
      Number.isSafeInteger(pageNumber) && pageNumber >= 0 && pageNumber < pages.length ? pageNumber : 0;
    await this.record({ type: 'request.viewed', requestId, actor: actor ?? null, data: { via: 'reviewer' } });
    if (detail.transcript.length > 0) {
      const [from, to] = pages[page] ?? [0, 0];
      await this.record({
        type: 'transcript.viewed',
        requestId,
        actor: actor ?? null,
        data: { via: 'reviewer', from: from + 1, to },
      });
    }
    return renderReviewRequestCard(reviewRequestCardData(this.deps, locale, detail, pages, page));
  }

  /**
   * Everything that came from records goes through redaction once more, and a literal `${` is broken
   * up: the card renderer refuses output that looks like an unexpanded template.
   */
  private clean(text: string): string {
    return cleanText(this.redact, text);
  }

  private time(locale: Locale, iso: string): string {
    return timeText(this.deps, locale, iso);
  }

  private message(
    locale: Locale,
    key: MessageKey | undefined,
    params?: MessageParams,
    text?: string,
  ): AdaptiveCardInvokeResponse {
    return {
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      // Teams takes a plain string for this response type; botbuilder types `value` as an object.
      value: (text ?? (key ? this.deps.localizer.t(locale, key, params) : '')) as unknown as Record<
        string,
        unknown
      >,
    };
  }

  /** Audit failures are logged, not thrown: a reviewer's look must not fail because the trail is busy. */
  private async record(event: Parameters<AuditLog['append']>[0]): Promise<void> {
    try {
      await this.deps.audit.append(event);
    } catch (error) {
      this.deps.logger.error({ err: error, type: event.type }, 'review audit append failed');
    }
  }
}

/** The reviewer's card for one request and one transcript page (also used by the card fixture). */
export function reviewRequestCardData(
  view: ReviewView,
  locale: Locale,
  detail: RequestDetail,
  pages: ReadonlyArray<readonly [number, number]> = transcriptPages(detail.transcript),
  page = 0,
): ReviewRequestCardData {
  const t = (key: MessageKey, params?: MessageParams): string => view.localizer.t(locale, key, params);
  const { request } = detail;
  const redact = redactor(view.config.sensitivePatterns);
  const clean = (text: string): string => cleanText(redact, text);
  const decision = request.decision;
  const none = t('review.request.none');
  const situation = situationLabel(request, t);
  const facts: Array<{ label: string; value: string }> = [
    { label: t('review.request.requester'), value: request.requester.name },
    { label: t('review.request.state'), value: t(`approval.state.${request.state}`) },
    { label: t('review.request.created'), value: timeText(view, locale, request.createdAt) },
    {
      label: t('review.request.situation'),
      value: request.diagnosis.lostOrStolen
        ? t('review.request.lostOrStolen', { name: situation })
        : situation,
    },
    {
      label: t('review.request.phone'),
      value: request.newPhone
        ? t('review.request.phoneMasked', { lastTwo: request.newPhone.lastTwo })
        : t('review.request.phoneNone'),
    },
    { label: t('review.request.reason'), value: truncate(request.reason, 300) },
    { label: t('review.request.offered'), value: t(`intake.verification.${request.verification}`) },
    { label: t('review.request.approver'), value: decision ? decision.approver.name : none },
    { label: t('review.request.decidedAt'), value: decision ? timeText(view, locale, decision.at) : none },
    {
      label: t('review.request.verification'),
      value: decision?.verificationMethod ? t(`approval.verification.${decision.verificationMethod}`) : none,
    },
    {
      label: t('review.request.action'),
      value: decision?.action ? t(`approval.action.${decision.action}`) : none,
    },
  ];
  if (decision?.denyReason)
    facts.push({ label: t('review.request.denyReason'), value: truncate(decision.denyReason, 300) });
  const audited = auditedDecision(request, detail.audit);
  if (audited.record !== undefined || audited.missing) {
    facts.push({
      label: t('review.request.auditCheck'),
      value: audited.missing
        ? t('review.request.auditMissing')
        : audited.mismatches.length > 0
          ? t('review.request.auditMismatch', { fields: audited.mismatches.join(', ') })
          : t('review.request.auditMatches', {
              decision: t(
                audited.record?.type === 'request.denied'
                  ? 'review.event.request.denied'
                  : 'review.event.request.approved',
              ),
              name: audited.record?.actor?.name ?? none,
              at: audited.record === undefined ? none : timeText(view, locale, audited.record.at),
            }),
    });
  }
  const graphLines =
    detail.steps.length === 0
      ? [t('review.request.graphNone')]
      : detail.steps.map((step) =>
          t(step.error ? 'review.request.graphStepFailed' : 'review.request.graphStep', {
            at: timeText(view, locale, step.at),
            name: step.name,
            status: t(`approval.step.status.${step.status}` as MessageKey),
            reason: step.error ?? '',
          }),
        );
  if (detail.remaining.length > 0)
    graphLines.push(t('review.request.remaining', { methods: detail.remaining.join(', ') }));
  const timeline = detail.timeline.slice(-MAX_TIMELINE_ENTRIES).map((event) => {
    const what =
      event.kind === 'state'
        ? stateChange(event.what, t)
        : `${t(`review.event.${event.what as AuditEventType}` as MessageKey)}${event.detail ? ` (${event.detail})` : ''}`;
    return truncate(
      t('review.timeline.entry', {
        at: timeText(view, locale, event.at),
        step: what,
        name: event.actorName || t('review.timeline.bot'),
      }),
      MAX_TIMELINE_CHARS,
    );
  });
  const [from, to] = pages[page] ?? [0, 0];
  const shown = detail.transcript.slice(from, to);
  const notes =
    detail.transcript.length === 0
      ? [t('review.request.noTranscript')]
      : [
          t('review.request.transcriptPage', { first: from + 1, last: to, count: detail.transcript.length }),
          ...(shown.some((line) => [...line.text].length > MAX_LINE_CHARS)
            ? [t('review.request.transcriptCut')]
            : []),
        ];
  const pageButtons: ReviewRequestCardData['pages'] = [];
  if (page > 0)
    pageButtons.push({ title: t('review.request.earlier'), requestId: request.id, page: String(page - 1) });
  if (page + 1 < pages.length)
    pageButtons.push({ title: t('review.request.later'), requestId: request.id, page: String(page + 1) });
  return {
    title: clean(t('review.request.title', { requestId: request.id })),
    facts: facts.map((fact) => ({ label: fact.label, value: clean(fact.value) })),
    graphTitle: t('review.request.graph'),
    graphLines: graphLines.map((line) => clean(line)),
    timelineTitle: t('review.request.timeline'),
    timeline: timeline.map((line) => clean(line)),
    transcriptTitle: t('review.request.transcript'),
    transcriptNotes: notes,
    transcript: shown.map((line) => ({
      who: clean(
        t('review.request.line', {
          name:
            line.direction === 'outgoing'
              ? t('review.request.speakerBot')
              : line.speaker || t('review.request.speakerRequester'),
          at: timeText(view, locale, line.at),
        }),
      ),
      text: clean(truncate(line.text, MAX_LINE_CHARS)),
      style: line.direction === 'incoming' ? 'emphasis' : 'default',
    })),
    pages: pageButtons,
    backLabel: t('review.request.back'),
  };
}

export interface ReviewView {
  localizer: Localizer;
  config: Pick<Config, 'timeZone' | 'sensitivePatterns'>;
}

/**
 * Everything that came from records goes through redaction once more, and a literal `${` is broken
 * up: the card renderer refuses output that looks like an unexpanded template.
 */
function cleanText(redact: Redact, text: string): string {
  return redact(text).replace(/\$\{/g, '$ {');
}

function timeText(view: ReviewView, locale: Locale, iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : formatDateTime(date, locale, view.config.timeZone);
}

function actorOf(context: TurnContext): AuditActor | undefined {
  const from = context.activity.from;
  return from?.aadObjectId ? { id: from.aadObjectId, name: from.name ?? '' } : undefined;
}

const SITUATION_KEYS: Record<string, MessageKey> = {
  S1a: 'diag.start.opt.changed',
  S1b: 'diag.start.opt.lost',
  S2: 'diag.start.opt.oldNumber',
  S3: 'diag.start.opt.error',
  S4: 'diag.start.opt.backup',
};

function situationLabel(request: ResetRequest, t: (key: MessageKey) => string): string {
  const key = SITUATION_KEYS[request.diagnosis.situation];
  return key ? t(key) : request.diagnosis.situation;
}

function stateChange(what: string, t: (key: MessageKey, params?: MessageParams) => string): string {
  const [from = '', to = ''] = what.split('→');
  const name = (state: string): string =>
    (REQUEST_STATES as readonly string[]).includes(state) ? t(`status.state.${state}` as MessageKey) : '';
  return from === '∅' || from === ''
    ? t('review.timeline.created')
    : t('review.timeline.state', { start: name(from), end: name(to) });
}

/**
 * Transcript pages as [start, end) line ranges, cut by size so every page fits the card. Computed
 * from the stored transcript each time, so a page number in card data cannot reach past it.
 */
export function transcriptPages(lines: readonly TranscriptLine[]): Array<readonly [number, number]> {
  const pages: Array<readonly [number, number]> = [];
  let start = 0;
  let bytes = 0;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    const size = Buffer.byteLength(truncate(line?.text ?? '', MAX_LINE_CHARS), 'utf8') + 200;
    if (index > start && bytes + size > TRANSCRIPT_PAGE_BYTES) {
      pages.push([start, index]);
      start = index;
      bytes = 0;
    }
    bytes += size;
  }
  pages.push([start, lines.length]);
  return pages;
}
