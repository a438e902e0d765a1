import type { Locale } from '../config';
import { baseEn, type BaseKey } from './base.en';
import { baseJa } from './base.ja';
import { diagnosisEn, type DiagnosisKey } from './diagnosis.en';
import { diagnosisJa } from './diagnosis.ja';
import { tailoredEn, type TailoredKey } from './tailored.en';
import { tailoredJa } from './tailored.ja';

export type MessageKey = BaseKey | DiagnosisKey | TailoredKey;

export const catalogues: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = {
  en: { ...baseEn, ...diagnosisEn, ...tailoredEn },
  ja: { ...baseJa, ...diagnosisJa, ...tailoredJa },
};
