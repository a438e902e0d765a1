import { AppError } from '../errors';

/** Checks every transcript backend applies to what it is given, so both refuse the same input. */
export function requireText(value: unknown, field: string): void {
  if (typeof value !== 'string' || value === '') {
    throw new AppError('BAD_REQUEST', `A transcript ${field} must be a non-empty string.`);
  }
}

export function toIso(value: unknown, field: string): string {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new AppError('BAD_REQUEST', `The transcript ${field} is not a valid time.`);
  }
  const iso = value.toISOString();
  // Years outside 0000-9999 are written with a sign and six digits, which breaks string ordering.
  if (!/^\d{4}-/.test(iso)) {
    throw new AppError('BAD_REQUEST', `The transcript ${field} is out of range.`);
  }
  return iso;
}
