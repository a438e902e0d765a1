import { userInfo } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadConfigFromProcess, type Config } from '../config';
import { openStores } from '../adapters/stores';
import { parseLoggedHeads, verifyChainAsync, type ChainHead } from '../domain/audit';
import { isRequestId, type RequestState } from '../domain/reset-request';
import { createLogger } from '../log';
import type { Stores } from '../ports/stores';
import { requestsCsv } from './export-csv';
import { renderHtmlExport } from './export-html';
import { formatLocalTime } from '../i18n/format';
import { isRequestState, parseDateArg, loadRequestDetail, type RequestDetail } from './queries';
import type { ReviewFilter } from '../ports/request-search';
import { computeStats, formatStats, parseDiagnosisLog, segmentKey, segmentsFromTranscripts } from './stats';

/**
 * `npm run review -- <command>`: the IT reviewer's command line over the configured storage. Output
 * is for IT staff and is English-only by choice; the data (names, transcripts) stays as stored, so
 * Japanese comes through unchanged. Exit codes: 0 success, 1 the audit chain is broken or the
 * request is unknown, 2 a usage or configuration problem.
 */

export const HELP = `Usage: npm run review -- <command> [options]

Commands:
  list                 Requests, newest first.
  show REQ-XXXXXX      One request: facts, timeline (state history + audit) and the redacted transcript.
  export [REQ-XXXXXX]  One request, or every request matching the filters, as --format html|json|csv
                       (default html) to --out FILE (default: standard output).
  verify               Check the audit chain's HMAC links and report the first broken one.
                       --log FILE also checks the chain heads the bot logged (its JSON log lines).
  stats                Requests by outcome, self-service resolution by diagnosis path, error codes,
                       median and 90th-percentile time to decision and to completion.
                       --log FILE adds the logged "diagnosis finished" outcomes.

Filters (list, export, stats):
  --state STATE[,STATE]   PENDING APPROVED EXECUTING DONE PARTIAL FAILED DENIED CANCELLED EXPIRED
  --person TEXT           Requester object id, or part of the display name (e.g. 山田)
  --since DATE            Created on or after (YYYY-MM-DD in HELPDESK_TIME_ZONE, or ISO 8601)
  --until DATE            Created up to and including this day (or before this ISO 8601 instant)

Other options:
  --format FORMAT   list/show: text|json (list also csv); export: html|json|csv
  --out FILE        Write the export here instead of standard output
  --help            This text

Storage and keys come from the bot's configuration (the same environment as npm start).
`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  loadConfig: () => Config;
  readFile: (path: string) => string;
  writeFile: (path: string, content: string) => void;
  now: () => Date;
  /** Who runs the command, for the audit trail; the operating-system account by default. */
  operator?: () => string;
}

class UsageError extends Error {}

interface ParsedArgs {
  command: string | undefined;
  positional: string[];
  options: Map<string, string>;
  help: boolean;
}

const VALUE_OPTIONS = new Set(['state', 'person', 'since', 'until', 'format', 'out', 'log']);

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string>();
  let help = false;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] ?? '';
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (arg.startsWith('--')) {
      const [name = '', inline] = arg.slice(2).split(/=(.*)/s, 2);
      if (!VALUE_OPTIONS.has(name)) throw new UsageError(`Unknown option --${name}.`);
      const value = inline ?? argv[++index];
      if (value === undefined || value === '') throw new UsageError(`--${name} needs a value.`);
      options.set(name, value);
      continue;
    }
    positional.push(arg);
  }
  const [command, ...rest] = positional;
  return { command, positional: rest, options, help };
}

function dateOption(text: string, timeZone: string, endOfDay: boolean): Date {
  const date = parseDateArg(text, timeZone, endOfDay);
  if (!date) throw new UsageError(`"${text}" is not a date (YYYY-MM-DD or ISO 8601).`);
  return date;
}

function filterFrom(args: ParsedArgs, config: Config): ReviewFilter {
  const filter: ReviewFilter = {};
  const state = args.options.get('state');
  if (state) {
    const states = state.split(',').map((value) => value.trim().toUpperCase());
    const unknown = states.filter((value) => !isRequestState(value));
    if (unknown.length > 0) throw new UsageError(`Unknown state ${unknown.join(', ')}.`);
    filter.states = states as RequestState[];
  }
  const person = args.options.get('person');
  if (person) filter.person = person;
  const since = args.options.get('since');
  if (since) filter.since = dateOption(since, config.timeZone, false);
  const until = args.options.get('until');
  if (until) filter.until = dateOption(until, config.timeZone, true);
  return filter;
}

/** The stores the bot uses, on the configured backend; with SQLite, reads run beside the bot thanks to WAL. */
function openReviewStores(config: Config): Stores {
  return openStores(config, { logger: createLogger({ level: 'silent' }) });
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv);
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (args.help || args.command === undefined || args.command === 'help') {
    io.stdout(HELP);
    return args.command === undefined && !args.help ? 2 : 0;
  }
  let config: Config;
  try {
    config = io.loadConfig();
  } catch (error) {
    io.stderr(`Configuration problem: ${(error as Error).message}\n`);
    return 2;
  }
  let stores: Stores | undefined;
  try {
    stores = openReviewStores(config);
    return await runCommand(args, config, stores, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${error.message}\nRun with --help for usage.\n`);
      return 2;
    }
    io.stderr(`Failed: ${(error as Error).message}\n`);
    return 2;
  } finally {
    await stores?.close();
  }
}

/** The OS account running the CLI; the audit trail names it as the reviewer. */
function osOperator(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

async function runCommand(args: ParsedArgs, config: Config, stores: Stores, io: CliIo): Promise<number> {
  const sources = { ...stores, extraPatterns: config.sensitivePatterns };
  const operator = (io.operator ?? osOperator)();
  // Written before anything is shown: when the audit trail cannot record the look, nothing is shown.
  const audited = (
    type: 'review.listed' | 'review.exported' | 'request.viewed',
    data: Record<string, unknown>,
    requestId?: string,
  ) =>
    stores.audit.append({
      type,
      ...(requestId === undefined ? {} : { requestId }),
      actor: { id: `cli:${operator}`, name: operator },
      data: { via: 'review-cli', ...data },
    });
  const time = (iso: string | undefined): string =>
    iso === undefined ? '-' : `${formatLocalTime(iso, config.timeZone)}`;
  switch (args.command) {
    case 'list': {
      const filter = filterFrom(args, config);
      const requests = await stores.search.search(filter);
      const format = args.options.get('format') ?? 'text';
      if (!['json', 'csv', 'text'].includes(format))
        throw new UsageError(`list cannot write --format ${format}.`);
      await audited('review.listed', {
        format,
        count: requests.length,
        states: filter.states,
        person: filter.person,
        since: filter.since?.toISOString(),
        until: filter.until?.toISOString(),
      });
      if (format === 'json') io.stdout(`${JSON.stringify(requests, null, 2)}\n`);
      else if (format === 'csv') {
        const details = await loadAll(
          sources,
          requests.map((request) => request.id),
          io,
        );
        io.stdout(requestsCsv(details));
      } else if (format === 'text') {
        io.stdout(`${requests.length} request(s); times in ${config.timeZone}\n`);
        for (const request of requests) {
          io.stdout(
            `${request.id}  ${request.state.padEnd(9)}  ${time(request.createdAt)}  ${request.requester.name}  ${request.diagnosis.situation}${request.decision ? `  decided by ${request.decision.approver.name}` : ''}\n`,
          );
        }
      } else throw new UsageError(`list cannot write --format ${format}.`);
      return 0;
    }
    case 'show': {
      const id = requireRequestId(args.positional[0]);
      const detail = await loadRequestDetail(sources, id);
      if (!detail) {
        io.stderr(`No request ${id}.\n`);
        return 1;
      }
      const format = args.options.get('format') ?? 'text';
      await audited('request.viewed', { format }, id);
      if (format === 'json') io.stdout(`${JSON.stringify(detail, null, 2)}\n`);
      else if (format === 'text') io.stdout(showText(detail, time, config.timeZone));
      else throw new UsageError(`show cannot write --format ${format}.`);
      return 0;
    }
    case 'export': {
      const format = args.options.get('format') ?? 'html';
      if (!['html', 'json', 'csv'].includes(format))
        throw new UsageError(`export cannot write --format ${format}.`);
      let ids: string[];
      if (args.positional[0] !== undefined) {
        ids = [requireRequestId(args.positional[0])];
      } else {
        const filter = filterFrom(args, config);
        if (!filter.since && !filter.until && !filter.states && !filter.person) {
          throw new UsageError(
            'export needs a request id or at least one filter (--since/--until/--state/--person).',
          );
        }
        ids = (await stores.search.search(filter)).map((request) => request.id).reverse();
      }
      const details = await loadAll(sources, ids, io);
      if (details.length === 0 && args.positional[0] !== undefined) {
        io.stderr(`No request ${args.positional[0]}.\n`);
        return 1;
      }
      await audited(
        'review.exported',
        {
          format,
          count: details.length,
          requestIds: details.slice(0, 100).map((detail) => detail.request.id),
        },
        details.length === 1 ? details[0]?.request.id : undefined,
      );
      const generatedAt = io.now().toISOString();
      const content =
        format === 'json'
          ? `${JSON.stringify({ generatedAt, timeZone: config.timeZone, requests: details }, null, 2)}\n`
          : format === 'csv'
            ? requestsCsv(details)
            : renderHtmlExport(details, {
                title:
                  details.length === 1 && details[0]
                    ? `MFA reset request ${details[0].request.id}`
                    : `MFA reset requests (${details.length})`,
                generatedAt,
                timeZone: config.timeZone,
              });
      const out = args.options.get('out');
      if (out) {
        io.writeFile(out, content);
        io.stderr(`Wrote ${details.length} request(s) to ${out}\n`);
      } else io.stdout(content);
      return 0;
    }
    case 'verify': {
      const logFile = args.options.get('log');
      let heads: ChainHead[] | undefined;
      if (logFile) {
        heads = parseLoggedHeads(io.readFile(logFile));
        io.stderr(`Read ${heads.length} logged chain head(s) from ${logFile}\n`);
      }
      const result = await verifyChainAsync(stores.audit.all(), config.auditKey, heads);
      if (result.ok) {
        io.stdout(
          `Audit chain intact: ${result.count} record(s)${result.head ? `, head seq ${result.head.seq} ${result.head.hash}` : ''}${heads ? `; consistent with ${heads.length} logged head(s)` : ' (without --log a removed last record cannot be detected)'}\n`,
        );
        return 0;
      }
      io.stdout(`Audit chain BROKEN at seq ${result.brokenAt}: ${describeBreak(result.reason)}\n`);
      return 1;
    }
    case 'stats': {
      const filter = filterFrom(args, config);
      const requests = await stores.search.search(filter);
      const window = {
        ...(filter.since ? { since: filter.since } : {}),
        ...(filter.until ? { until: filter.until } : {}),
      };
      const entries = await stores.transcripts.listIncoming(window);
      const linked = new Set(
        (await stores.transcripts.listLinks()).map((link) => segmentKey(link.conversationId, link.segmentId)),
      );
      const logFile = args.options.get('log');
      const logged = logFile ? parseDiagnosisLog(io.readFile(logFile)) : undefined;
      const outcomes = await stores.outcomes.list(window);
      const stats = computeStats(requests, segmentsFromTranscripts(entries, linked), logged, outcomes);
      if (args.options.get('format') === 'json') io.stdout(`${JSON.stringify(stats, null, 2)}\n`);
      else io.stdout(formatStats(stats));
      return 0;
    }
    default:
      throw new UsageError(`Unknown command "${args.command ?? ''}".`);
  }
}

function requireRequestId(value: string | undefined): string {
  const id = value?.trim().toUpperCase();
  if (!isRequestId(id)) throw new UsageError(`"${value ?? ''}" is not a request id (REQ-XXXXXX).`);
  return id;
}

const PROGRESS_EVERY = 25;

async function loadAll(
  sources: Parameters<typeof loadRequestDetail>[0],
  ids: readonly string[],
  io: CliIo,
): Promise<RequestDetail[]> {
  const details: RequestDetail[] = [];
  const showProgress = ids.length > PROGRESS_EVERY;
  for (const [index, id] of ids.entries()) {
    const detail = await loadRequestDetail(sources, id);
    if (detail) details.push(detail);
    if (showProgress && ((index + 1) % PROGRESS_EVERY === 0 || index + 1 === ids.length)) {
      io.stderr(`exported ${index + 1}/${ids.length}\n`);
    }
  }
  return details;
}

function describeBreak(reason: string): string {
  switch (reason) {
    case 'hash_mismatch':
      return 'the record does not match its HMAC (edited, or a different audit key)';
    case 'prev_mismatch':
      return 'the record does not link to the one before it (replaced or renumbered)';
    case 'seq_gap':
      return 'a record is missing here (deleted)';
    case 'seq_order':
      return 'records are out of order or duplicated';
    case 'head_mismatch':
      return 'the record differs from the chain head the bot logged (the chain was rebuilt)';
    case 'truncated':
      return 'the chain ends before a head the bot logged (records removed from the end)';
    default:
      return reason;
  }
}

function showText(
  detail: RequestDetail,
  time: (iso: string | undefined) => string,
  timeZone: string,
): string {
  const { request } = detail;
  const out: string[] = [];
  out.push(`${request.id}  ${request.state}  (times in ${timeZone})`);
  out.push(`Requester:      ${request.requester.name} (${request.requester.aadObjectId})`);
  out.push(`Created:        ${time(request.createdAt)}`);
  out.push(
    `Situation:      ${request.diagnosis.situation}${request.diagnosis.lostOrStolen ? ' (lost or stolen)' : ''}`,
  );
  out.push(`Path:           ${request.diagnosis.path}`);
  out.push(`New number:     ${request.newPhone ? `ends in ${request.newPhone.lastTwo}` : 'none given'}`);
  out.push(`Approver:       ${request.decision?.approver.name ?? '-'}  at ${time(request.decision?.at)}`);
  out.push(
    `Verification:   ${request.decision?.verificationMethod ?? '-'} (offered: ${request.verification})`,
  );
  out.push(
    `Action:         ${request.decision?.action ?? '-'}${request.decision?.denyReason ? `  deny reason: ${request.decision.denyReason}` : ''}`,
  );
  out.push('Graph outcome:');
  if (detail.steps.length === 0) out.push('  (no Graph call)');
  for (const step of detail.steps) {
    out.push(
      `  ${time(step.at)}  ${step.name}: ${step.status}${step.error ? ` (${step.error})` : ''}${step.graphRequestId ? ` [${step.graphRequestId}]` : ''}`,
    );
  }
  if (detail.remaining.length > 0) out.push(`  still registered: ${detail.remaining.join(', ')}`);
  out.push('Timeline:');
  for (const event of detail.timeline) {
    out.push(
      `  ${time(event.at)}  ${event.what.padEnd(20)} ${event.actorName || 'bot'}${event.detail ? `  ${event.detail}` : ''}`,
    );
  }
  out.push(`Transcript (${detail.transcript.length} line(s), redacted):`);
  for (const line of detail.transcript) {
    const who = line.speaker || (line.direction === 'incoming' ? 'requester' : 'bot');
    out.push(`  [${time(line.at)}] ${who}: ${line.text.replace(/\n/g, '\n      ')}`);
  }
  return `${out.join('\n')}\n`;
}

/* istanbul ignore next -- the process entry point; tests call runCli */
if (require.main === module) {
  runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    loadConfig: loadConfigFromProcess,
    readFile: (path) => readFileSync(path, 'utf8'),
    writeFile: (path, content) => writeFileSync(path, content, { encoding: 'utf8', mode: 0o600 }),
    now: () => new Date(),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`Failed: ${(error as Error).message}\n`);
      process.exitCode = 2;
    },
  );
}
