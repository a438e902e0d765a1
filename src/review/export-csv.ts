import type { RequestDetail } from './queries';

/** Spreadsheet programs guess the encoding; the BOM makes them read UTF-8 (and so Japanese) correctly. */
export const UTF8_BOM = '\uFEFF';

/**
 * A cell starting with one of these is read as a formula (CSV injection), so it gets a leading
 * apostrophe. Spreadsheets also take the full-width forms (＝＋－＠, typed with a Japanese IME) and
 * skip leading whitespace (ASCII, no-break and the ideographic space) before deciding.
 */
const FORMULA_START = /^[\s\u00a0\u3000\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r\n]/;

export function csvCell(value: string | number | undefined | null): string {
  let text = value === undefined || value === null ? '' : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(
  header: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number | undefined>>,
): string {
  const lines = [header, ...rows].map((row) => row.map(csvCell).join(','));
  return `${UTF8_BOM}${lines.join('\r\n')}\r\n`;
}

export const REQUEST_CSV_HEADER = [
  'requestId',
  'state',
  'createdAt',
  'updatedAt',
  'requesterId',
  'requesterName',
  'situation',
  'lostOrStolen',
  'diagnosisPath',
  'errorCodes',
  'phoneLastTwo',
  'requesterVerification',
  'approverName',
  'decidedAt',
  'approverVerification',
  'action',
  'denyReason',
  'graphSteps',
  'remainingMethods',
  'auditRecords',
  'transcriptLines',
] as const;

/** One row per request; the timeline and transcript are counted here and exported in full as JSON/HTML. */
export function requestsCsv(details: readonly RequestDetail[]): string {
  return toCsv(
    REQUEST_CSV_HEADER,
    details.map(({ request, steps, remaining, audit, transcript }) => [
      request.id,
      request.state,
      request.createdAt,
      request.updatedAt,
      request.requester.aadObjectId,
      request.requester.name,
      request.diagnosis.situation,
      String(request.diagnosis.lostOrStolen),
      request.diagnosis.path,
      request.diagnosis.errorCodes.join(' '),
      request.newPhone?.lastTwo ?? '',
      request.verification,
      request.decision?.approver.name,
      request.decision?.at,
      request.decision?.verificationMethod,
      request.decision?.action,
      request.decision?.denyReason,
      steps.map((step) => `${step.name}:${step.status}${step.error ? `(${step.error})` : ''}`).join(' '),
      remaining.join(' '),
      audit.length,
      transcript.length,
    ]),
  );
}
