import { Template } from 'adaptivecards-templating';
import { CardFactory, type Attachment } from 'botbuilder';
import { AppError } from '../src/errors';

/** The JSON of an expanded Adaptive Card, as sent to Teams. */
export interface AdaptiveCardJson {
  type: 'AdaptiveCard';
  version: string;
  body?: unknown[];
  actions?: unknown[];
  [property: string]: unknown;
}

/** Teams refuses cards larger than this (bytes of the serialised attachment content). */
export const TEAMS_CARD_LIMIT_BYTES = 28 * 1024;

/**
 * Parsed templates, one per card JSON module. Parsing every `${…}` expression was most of a turn's
 * CPU time (bench/results.md); the library binds one parsed template to many data objects.
 */
const prepared = new WeakMap<object, Template>();

function preparedTemplate(template: object): Template {
  let parsed = prepared.get(template);
  if (!parsed) {
    parsed = new Template(template);
    prepared.set(template, parsed);
  }
  return parsed;
}

/**
 * Expands a template with its data. A `${` left in the output means the data did not match the
 * template; that must never reach a person, so it fails here (and in the shared card test).
 */
export function expandCard(template: object, data: object): AdaptiveCardJson {
  const expanded: unknown = preparedTemplate(template).expand({ $root: data });
  const serialised = JSON.stringify(expanded);
  if (serialised.includes('${')) {
    throw new AppError('INTERNAL', 'A card template was left with an unexpanded ${...} expression');
  }
  if (Buffer.byteLength(serialised, 'utf8') > TEAMS_CARD_LIMIT_BYTES) {
    throw new AppError('INTERNAL', 'A card exceeds the 28 KB Teams limit');
  }
  return expanded as AdaptiveCardJson;
}

export function toAttachment(card: AdaptiveCardJson): Attachment {
  return CardFactory.adaptiveCard(card);
}
