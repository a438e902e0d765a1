import { AppError } from '../../errors';

/**
 * Long text in a table entity. A string property holds at most 64 KiB (32,768 UTF-16 code units)
 * and an entity at most 1 MiB, so a JSON body is cut into parts `<name>0`, `<name>1`, … with the
 * count in `<name>Parts`. A cut never falls inside a surrogate pair.
 */
const PART_CHARS = 30_000;
/** 1 MiB minus room for the keys and the other properties, at two bytes a code unit. */
const MAX_TEXT_CHARS = 480_000;

export function textProperties(name: string, text: string): Record<string, string | number> {
  if (text.length > MAX_TEXT_CHARS) {
    throw new AppError(
      'BAD_REQUEST',
      `The ${name} is ${text.length} characters; a table entity holds at most ${MAX_TEXT_CHARS}.`,
    );
  }
  const properties: Record<string, string | number> = {};
  let part = 0;
  for (let start = 0; start < text.length || part === 0; part++) {
    let end = Math.min(start + PART_CHARS, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    properties[`${name}${part}`] = text.slice(start, end);
    start = end;
  }
  properties[`${name}Parts`] = part;
  return properties;
}

export function readText(entity: Record<string, unknown>, name: string): string {
  const parts = entity[`${name}Parts`];
  if (typeof parts !== 'number' || !Number.isSafeInteger(parts) || parts < 1) {
    throw new AppError('STORAGE', `A stored entity has no readable ${name}.`);
  }
  let text = '';
  for (let part = 0; part < parts; part++) {
    const piece = entity[`${name}${part}`];
    if (typeof piece !== 'string') throw new AppError('STORAGE', `A stored entity lost part of its ${name}.`);
    text += piece;
  }
  return text;
}

/**
 * A partition or row key for any text: `/`, `\`, `#`, `?` and control characters are not allowed in
 * keys, and percent-encoding keeps the order of plain ASCII ids.
 */
export function keyPart(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Keys that sort in the order they were made by this process, and by time across processes. */
export function orderedKey(now: number = Date.now()): string {
  const ms = Math.max(now, lastMs);
  counter = ms === lastMs ? counter + 1 : 0;
  lastMs = ms;
  return `${ms.toString().padStart(15, '0')}-${counter.toString().padStart(6, '0')}-${processTag}`;
}

let lastMs = 0;
let counter = 0;
const processTag = Math.random().toString(36).slice(2, 10).padEnd(8, '0');
