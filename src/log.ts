import { randomUUID } from 'node:crypto';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { redactDeep, redactText } from './domain/redaction';
import { logCorrelation } from './telemetry';

export type { Logger };

export interface LoggerSettings {
  level: LoggerOptions['level'];
  /** Extra configured patterns (HELPDESK_SENSITIVE_PATTERNS) redacted from every line. */
  extraPatterns?: readonly RegExp[];
  /** Where lines go; stdout by default. Tests pass a stream to read every line back. */
  destination?: DestinationStream;
  /** Also receives every finished (redacted) line: telemetry's log export. */
  mirror?: (line: string) => void;
}

/**
 * Errors are turned into plain objects before redaction: pino's own error serializer runs after the
 * `log` formatter, so a phone number in an error message would otherwise reach the line untouched.
 */
function plainErrors(object: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    result[key] = value instanceof Error ? serialiseError(value) : value;
  }
  return result;
}

function serialiseError(error: Error): Record<string, unknown> {
  const serialised: Record<string, unknown> = {
    type: error.name,
    message: error.message,
    stack: error.stack,
  };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') serialised.code = code;
  const requestId = (error as { requestId?: unknown }).requestId;
  if (typeof requestId === 'string') serialised.requestId = requestId;
  if (error.cause instanceof Error) serialised.cause = serialiseError(error.cause);
  return serialised;
}

/**
 * Structured JSON logs in which phone numbers, passes and tokens are redacted on every line
 * (the message, the merged object and errors), so no caller has to remember to do it.
 */
export function createLogger(settings: LoggerSettings): Logger {
  const redactOptions = { extraPatterns: settings.extraPatterns ?? [] };
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    base: { service: 'mfa-helpdesk-bot' },
    // Errors are already plain, redacted objects (see plainErrors); pino must not serialise them again.
    serializers: { err: (value: unknown) => value },
    timestamp: pino.stdTimeFunctions.isoTime,
    // trace_id and span_id of the active span, when telemetry runs; nothing otherwise.
    mixin: logCorrelation,
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => redactDeep(plainErrors(object), redactOptions),
    },
    hooks: {
      logMethod(args, method) {
        const redacted = args.map((arg: unknown) =>
          typeof arg === 'string' ? redactText(arg, redactOptions) : arg,
        ) as Parameters<typeof method>;
        method.apply(this, redacted);
      },
    },
  };
  const destination = settings.destination ?? pino.destination(1);
  if (settings.mirror === undefined) return pino(options, destination);
  const mirror = settings.mirror;
  // Level 'trace' on both streams: the logger's own level decides what is written.
  return pino(
    options,
    pino.multistream([
      { stream: destination, level: 'trace' },
      { stream: { write: (line: string) => mirror(line) }, level: 'trace' },
    ]),
  );
}

/** A child logger for one turn: every line of the turn carries the same turn id. */
export function turnLogger(logger: Logger, ids: { activityId?: string; conversationId?: string }): Logger {
  return logger.child({
    turnId: randomUUID(),
    activityId: ids.activityId,
    conversationId: ids.conversationId,
  });
}
