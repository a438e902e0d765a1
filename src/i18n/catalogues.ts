import type { Locale } from '../config';
import { baseEn, type BaseKey } from './base.en';
import { baseJa } from './base.ja';

export type MessageKey = BaseKey;

export const catalogues: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = {
  en: baseEn,
  ja: baseJa,
};
