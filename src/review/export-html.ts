import { createHash } from 'node:crypto';
import { formatLocalTime } from '../i18n/format';
import type { RequestDetail } from './queries';

/**
 * A self-contained HTML export for IT reviewers: one file, no scripts, no external resources, so it
 * can be archived, mailed and printed. Labels are English (IT staff tooling); the data keeps its own
 * language, and `lang="ja"` with a CJK font stack makes Japanese render with Japanese glyphs.
 */

export interface HtmlExportOptions {
  title: string;
  /** When the export was made, ISO UTC. */
  generatedAt: string;
  /** IANA zone the times are shown in (the configured HELPDESK_TIME_ZONE). */
  timeZone: string;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
:root { color-scheme: light; }
body { font-family: "Noto Sans CJK JP", "Noto Sans JP", "Hiragino Sans", "Hiragino Kaku Gothic ProN",
  "Yu Gothic UI", "Yu Gothic", Meiryo, "Segoe UI", sans-serif; margin: 2rem; color: #1b1b1b;
  line-height: 1.6; font-size: 14px; }
h1 { font-size: 1.4rem; margin-bottom: .25rem; }
h2 { font-size: 1.15rem; border-bottom: 2px solid #464775; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
.meta { color: #555; font-size: .85rem; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: .3rem .5rem; vertical-align: top; text-align: left; }
th { background: #f0f0f5; width: 14rem; font-weight: 600; }
table.list th { width: auto; }
.msg { margin: .35rem 0; padding: .4rem .6rem; border-radius: 6px; white-space: pre-wrap;
  overflow-wrap: anywhere; }
.incoming { background: #eef3fb; border-left: 4px solid #5b7db8; }
.outgoing { background: #f4f4f4; border-left: 4px solid #888; }
.who { font-weight: 600; font-size: .8rem; color: #444; }
.empty { color: #777; font-style: italic; }
section.request { page-break-after: always; break-after: page; }
section.request:last-child { page-break-after: auto; break-after: auto; }
@media print {
  body { margin: 0; font-size: 10.5pt; }
  .msg, tr { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
@page { size: A4; margin: 15mm; }
`;

/**
 * The export shows text people typed. It is escaped, and should anything ever slip through, the
 * page still runs no script, loads nothing, submits nothing and applies only its own stylesheet
 * (allowed by hash, not by 'unsafe-inline').
 */
export const EXPORT_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export function renderHtmlExport(details: readonly RequestDetail[], options: HtmlExportOptions): string {
  const time = (iso: string | undefined): string =>
    iso === undefined ? '' : escapeHtml(`${formatLocalTime(iso, options.timeZone)} (${options.timeZone})`);
  const sections = details.map((detail) => renderRequest(detail, time)).join('\n');
  const index =
    details.length > 1
      ? `<h2>Requests</h2><table class="list"><tr><th>Request</th><th>State</th><th>Requester</th><th>Created</th></tr>${details
          .map(
            ({ request }) =>
              `<tr><td><a href="#${escapeHtml(request.id)}">${escapeHtml(request.id)}</a></td><td>${escapeHtml(request.state)}</td><td>${escapeHtml(request.requester.name)}</td><td>${time(request.createdAt)}</td></tr>`,
          )
          .join('')}</table>`
      : '';
  return `<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${EXPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(options.title)}</h1>
<p class="meta">Generated ${time(options.generatedAt)} · ${details.length} request(s) · phone numbers and passes are redacted</p>
${index}
${sections}
</body>
</html>
`;
}

function renderRequest(detail: RequestDetail, time: (iso: string | undefined) => string): string {
  const { request } = detail;
  const decision = request.decision;
  const rows: Array<[string, string]> = [
    ['Request', escapeHtml(request.id)],
    ['State', escapeHtml(request.state)],
    ['Requester', escapeHtml(`${request.requester.name} (${request.requester.aadObjectId})`)],
    ['Created', time(request.createdAt)],
    ['Last change', time(request.updatedAt)],
    [
      'Situation',
      escapeHtml(
        `${request.diagnosis.situation}${request.diagnosis.lostOrStolen ? ' · lost or stolen' : ''}`,
      ),
    ],
    ['Diagnosis path', escapeHtml(request.diagnosis.path)],
    ['Error codes', escapeHtml(request.diagnosis.errorCodes.join(', ') || '-')],
    ['New number', escapeHtml(request.newPhone ? `ends in ${request.newPhone.lastTwo}` : 'none given')],
    ['Reason', escapeHtml(request.reason)],
    ['Offered verification', escapeHtml(request.verification)],
    ['Approver', escapeHtml(decision ? decision.approver.name : '-')],
    ['Decided', time(decision?.at)],
    ['Approver verification', escapeHtml(decision?.verificationMethod ?? '-')],
    ['Action', escapeHtml(decision?.action ?? (decision?.denyReason !== undefined ? 'deny' : '-'))],
  ];
  if (decision?.denyReason) rows.push(['Deny reason', escapeHtml(decision.denyReason)]);
  rows.push([
    'Graph outcome',
    escapeHtml(
      detail.steps.length === 0
        ? 'no Graph call'
        : detail.steps
            .map(
              (step) =>
                `${step.name}: ${step.status}${step.error ? ` (${step.error})` : ''}${step.graphRequestId ? ` [${step.graphRequestId}]` : ''}`,
            )
            .join('\n'),
    ).replace(/\n/g, '<br>'),
  ]);
  if (detail.remaining.length > 0) rows.push(['Still registered', escapeHtml(detail.remaining.join(', '))]);
  const facts = rows
    .map(([label, value]) => `<tr><th>${escapeHtml(label)}</th><td>${value}</td></tr>`)
    .join('');
  const timeline =
    detail.timeline.length === 0
      ? '<p class="empty">No records.</p>'
      : `<table class="list"><tr><th>Time</th><th>Event</th><th>By</th><th>Detail</th></tr>${detail.timeline
          .map(
            (event) =>
              `<tr><td>${time(event.at)}</td><td>${escapeHtml(event.what)}</td><td>${escapeHtml(event.actorName || 'bot')}</td><td>${escapeHtml(event.detail)}</td></tr>`,
          )
          .join('')}</table>`;
  const transcript =
    detail.transcript.length === 0
      ? '<p class="empty">No transcript is stored for this request (none was linked, or it is past retention).</p>'
      : detail.transcript
          .map(
            (line) =>
              `<div class="msg ${line.direction}"><div class="who">${escapeHtml(line.speaker || (line.direction === 'incoming' ? 'requester' : 'bot'))} · ${time(line.at)}</div>${escapeHtml(line.text)}</div>`,
          )
          .join('\n');
  return `<section class="request" id="${escapeHtml(request.id)}">
<h2>${escapeHtml(request.id)} — ${escapeHtml(request.requester.name)}</h2>
<table>${facts}</table>
<h3>Timeline</h3>
${timeline}
<h3>Transcript (redacted)</h3>
${transcript}
</section>`;
}
