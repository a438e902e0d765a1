import type { Locale } from '../config';
import { baseEn, type BaseKey } from './base.en';
import { baseJa } from './base.ja';
import { diagnosisEn, type DiagnosisKey } from './diagnosis.en';
import { diagnosisJa } from './diagnosis.ja';
import { tailoredEn, type TailoredKey } from './tailored.en';
import { tailoredJa } from './tailored.ja';
import { reviewEn, type ReviewKey } from './review.en';
import { reviewJa } from './review.ja';

export type MessageKey = BaseKey | DiagnosisKey | TailoredKey | ReviewKey;

export const catalogues: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = {
  en: { ...baseEn, ...diagnosisEn, ...tailoredEn, ...reviewEn },
  ja: { ...baseJa, ...diagnosisJa, ...tailoredJa, ...reviewJa },
};
