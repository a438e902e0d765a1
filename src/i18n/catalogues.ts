import type { Locale } from '../config';
import { baseEn, type BaseKey } from './base.en';
import { baseJa } from './base.ja';
import { diagnosisEn, type DiagnosisKey } from './diagnosis.en';
import { diagnosisJa } from './diagnosis.ja';

export type MessageKey = BaseKey | DiagnosisKey;

export const catalogues: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = {
  en: { ...baseEn, ...diagnosisEn },
  ja: { ...baseJa, ...diagnosisJa },
};
