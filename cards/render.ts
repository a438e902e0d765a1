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
 * Stands in for the `$` of every `${` in the data while the template is expanded. People type
 * `${` (in a reason, a name); the templating engine leaves data alone, but the check below must
 * tell a template left unexpanded from text someone typed, so their `${` is set aside first.
 */
const DOLLAR_STAND_IN = '\uE0FF';

function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, map)]));
  }
  return value;
}

/**
 * Expands a template with its data. A `${` left in the output by the template means the data did
 * not match it; that must never reach a person, so it fails here (and in the shared card test).
 * A `${` in the data itself is shown as typed.
 */
export function expandCard(template: object, data: object): AdaptiveCardJson {
  const setAside = mapStrings(data, (text) =>
    // The stand-in itself is not a character anyone needs; it would otherwise come back as `$`.
    text.replaceAll(DOLLAR_STAND_IN, '\uFFFD').replaceAll('${', `${DOLLAR_STAND_IN}{`),
  );
  const expanded: unknown = preparedTemplate(template).expand({ $root: setAside });
  if (JSON.stringify(expanded).includes('${')) {
    throw new AppError('INTERNAL', 'A card template was left with an unexpanded ${...} expression');
  }
  const restored = mapStrings(expanded, (text) => text.replaceAll(`${DOLLAR_STAND_IN}{`, '${'));
  if (Buffer.byteLength(JSON.stringify(restored), 'utf8') > TEAMS_CARD_LIMIT_BYTES) {
    throw new AppError('INTERNAL', 'A card exceeds the 28 KB Teams limit');
  }
  return restored as AdaptiveCardJson;
}

export function toAttachment(card: AdaptiveCardJson): Attachment {
  return CardFactory.adaptiveCard(card);
}
