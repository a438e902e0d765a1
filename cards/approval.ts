import { expandCard, type AdaptiveCardJson } from './render';
import template from './approval.card.json';

// The verbs are the domain's (the approval use cases check them); the card sends them.
export { APPROVAL_VERBS, isApprovalVerb, type ApprovalVerb } from '../src/domain/approver-choices';

interface Choice {
  title: string;
  value: string;
}

export interface ApprovalCardData {
  requestId: string;
  title: string;
  stateText: string;
  stateColor: 'default' | 'good' | 'warning' | 'attention' | 'accent';
  statusLines: string[];
  facts: Array<{ label: string; value: string }>;
  /**
   * The requester's own words. Teams renders Markdown in fact values and TextBlocks, so typed text
   * could show as a link to anywhere; the card puts it in a TextRun, which renders no Markdown.
   */
  reason: { label: string; text: string };
  methodsTitle: string;
  methods: Array<{ label: string; detail: string }>;
  methodsNote: string;
  flagsTitle: string;
  flags: string[];
  links: Array<{ title: string; url: string }>;
  /** The request can still be decided (PENDING): inputs, Deny and Claim are shown. */
  actionable: boolean;
  /** Actionable and not blocked by a risk flag (privileged, unknown privilege). */
  canApprove: boolean;
  inputs: {
    verificationLabel: string;
    verificationChoices: Choice[];
    actionLabel: string;
    actionDefault: string;
    actionChoices: Choice[];
    methodsLabel: string;
    methodsDefault: string;
    methodChoices: Choice[];
    tapLifetimeLabel: string;
    tapLifetimeMin: number;
    tapLifetimeDefault: number;
    tapLifetimeMax: number;
    callbackLabel: string;
    denyReasonLabel: string;
  };
  buttons: { approve: string; deny: string; claim: string; refresh: string };
}

export function renderApprovalCard(data: ApprovalCardData): AdaptiveCardJson {
  return expandCard(template, data);
}
