import type { MessageParams, PassForDisplay, RequestNotifier } from '../../src/ports/request-notifier';
import type { RequestState, ResetRequest } from '../../src/domain/reset-request';
import type { MessageKey } from '../../src/i18n/catalogues';

export type NotifierMethod = keyof RequestNotifier;

export interface NotifierCall {
  method: NotifierMethod;
  requestId: string;
  state: RequestState;
  /** The record as the notifier received it (a copy, so later changes do not show up here). */
  request: ResetRequest;
  /** For the messages: what was said. */
  message?: SentMessage;
}

export interface SentMessage {
  keys: MessageKey[];
  params: MessageParams;
  withContact?: boolean;
}

export interface ShownPass {
  to: 'requester' | 'approver';
  requestId: string;
  pass: PassForDisplay;
}

/**
 * A RequestNotifier that records every call and says "delivered" unless told otherwise. It keeps the
 * passes it was shown so a test can check the person got the one that works; that is test memory,
 * the way a chat client's screen would be, not storage.
 */
export class RecordingNotifier implements RequestNotifier {
  readonly calls: NotifierCall[] = [];
  readonly passes: ShownPass[] = [];
  /** `tellApprovalsChannel`: messages about no one request. */
  readonly channelMessages: SentMessage[] = [];
  /** Per method, false makes it report an undeliverable message. */
  readonly deliver: Partial<Record<NotifierMethod, boolean>> = {};
  /** Runs inside each call before it returns, e.g. to act like a person clicking at that moment. */
  onCall: ((call: NotifierCall) => Promise<void> | void) | undefined;

  postApprovalCard(request: ResetRequest): Promise<boolean> {
    return this.record('postApprovalCard', request);
  }

  updateApprovalCard(request: ResetRequest): Promise<boolean> {
    return this.record('updateApprovalCard', request);
  }

  async showPassToRequester(request: ResetRequest, pass: PassForDisplay): Promise<boolean> {
    const delivered = await this.record('showPassToRequester', request);
    if (delivered) this.passes.push({ to: 'requester', requestId: request.id, pass: { ...pass } });
    return delivered;
  }

  /** The activity id the pass card would have; undefined when `deliver.askForReleaseCode` is false. */
  async askForReleaseCode(request: ResetRequest): Promise<string | undefined> {
    const delivered = await this.record('askForReleaseCode', request);
    return delivered ? `pass-card-${request.id}` : undefined;
  }

  withdrawPass(request: ResetRequest): Promise<boolean> {
    return this.record('withdrawPass', request);
  }

  async showPassToApprover(request: ResetRequest, pass: PassForDisplay): Promise<boolean> {
    const delivered = await this.record('showPassToApprover', request);
    if (delivered) this.passes.push({ to: 'approver', requestId: request.id, pass: { ...pass } });
    return delivered;
  }

  tellRequesterOutcome(request: ResetRequest): Promise<boolean> {
    return this.record('tellRequesterOutcome', request);
  }

  tellRequesterMessage(
    request: ResetRequest,
    keys: MessageKey[],
    params: MessageParams,
    withContact = false,
  ): Promise<boolean> {
    return this.record('tellRequesterMessage', request, {
      keys: [...keys],
      params: { ...params },
      withContact,
    });
  }

  tellApprovers(request: ResetRequest, key: MessageKey, params: MessageParams): Promise<boolean> {
    return this.record('tellApprovers', request, { keys: [key], params: { ...params } });
  }

  async tellApprovalsChannel(key: MessageKey, params: MessageParams): Promise<boolean> {
    this.channelMessages.push({ keys: [key], params: { ...params } });
    return this.deliver.tellApprovalsChannel ?? true;
  }

  async sendResetNotices(request: ResetRequest): Promise<{ channel: boolean; mail: boolean }> {
    const delivered = await this.record('sendResetNotices', request);
    return { channel: delivered, mail: delivered };
  }

  /** The methods called, in order, optionally only for one request. */
  methods(requestId?: string): NotifierMethod[] {
    return this.callsFor(requestId).map((call) => call.method);
  }

  callsFor(requestId?: string): NotifierCall[] {
    return this.calls.filter((call) => requestId === undefined || call.requestId === requestId);
  }

  /** The keys of the messages sent about a request, in order. */
  messageKeys(requestId?: string): MessageKey[] {
    return this.callsFor(requestId).flatMap((call) => call.message?.keys ?? []);
  }

  private async record(
    method: NotifierMethod,
    request: ResetRequest,
    message?: SentMessage,
  ): Promise<boolean> {
    const call: NotifierCall = {
      method,
      requestId: request.id,
      state: request.state,
      request: structuredClone(request),
      ...(message === undefined ? {} : { message }),
    };
    this.calls.push(call);
    await this.onCall?.(call);
    return this.deliver[method] ?? true;
  }
}
