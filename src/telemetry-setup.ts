/**
 * Application Insights through @azure/monitor-opentelemetry, started by the composition root only
 * when APPLICATIONINSIGHTS_CONNECTION_STRING is set (never in the sandbox by default). Everything
 * that leaves the process goes through the same redaction as the logs first: span names,
 * attributes, events and status, and every log record.
 */
import { format } from 'node:util';
import { AzureLogger } from '@azure/logger';
import type * as AzureMonitor from '@azure/monitor-opentelemetry';
import { diag, DiagLogLevel, type AttributeValue, type Context, type DiagLogger } from '@opentelemetry/api';
import { logs, SeverityNumber, type AnyValue, type LogAttributes } from '@opentelemetry/api-logs';
import type { LogRecordProcessor, SdkLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { redactDeep, redactText, type RedactionOptions } from './domain/redaction';

export interface TelemetrySettings {
  connectionString: string;
  /** HELPDESK_SENSITIVE_PATTERNS, as for the logs. */
  extraPatterns: readonly RegExp[];
}

export interface Telemetry {
  /** Hands each (already redacted) pino line to Application Insights as a log record. */
  readonly exportLogLine: (line: string) => void;
  /** Flushes what is buffered; call it after the app closed. */
  shutdown(): Promise<void>;
}

type MutableAttributes = Record<string, AttributeValue | undefined>;

/** Key-aware, as for log lines: a value under `temporaryAccessPass`, `token`… goes whatever it looks like. */
function redactAttributes(attributes: MutableAttributes, options: RedactionOptions): void {
  const redacted = redactDeep({ ...attributes }, options);
  for (const key of Object.keys(attributes)) attributes[key] = redacted[key];
}

/**
 * Runs before the exporter's batch processor (the distro puts custom processors first), on the span
 * objects the exporter later serialises.
 */
export class RedactingSpanProcessor implements SpanProcessor {
  constructor(private readonly options: RedactionOptions) {}

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    const writable = span as unknown as {
      name: string;
      attributes: MutableAttributes;
      events: Array<{ name: string; attributes?: MutableAttributes }>;
      status: { code: number; message?: string };
    };
    writable.name = redactText(writable.name, this.options);
    redactAttributes(writable.attributes, this.options);
    for (const event of writable.events) {
      event.name = redactText(event.name, this.options);
      if (event.attributes) redactAttributes(event.attributes, this.options);
    }
    if (writable.status.message !== undefined) {
      writable.status.message = redactText(writable.status.message, this.options);
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** The same for log records, whatever emitted them (pino's lines, or an SDK's own logging). */
export class RedactingLogRecordProcessor implements LogRecordProcessor {
  constructor(private readonly options: RedactionOptions) {}

  onEmit(record: SdkLogRecord): void {
    if (record.body !== undefined) record.setBody(redactDeep(record.body, this.options));
    for (const [key, value] of Object.entries(record.attributes)) {
      record.setAttribute(key, redactDeep(value, this.options));
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const SEVERITY: Record<string, SeverityNumber> = {
  trace: SeverityNumber.TRACE,
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
  fatal: SeverityNumber.FATAL,
};

/** One pino JSON line as a log record: the message as body, the other fields as attributes. */
function emitLine(line: string): void {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return;
  }
  const { msg, level, time: _time, ...fields } = parsed;
  const attributes: LogAttributes = {};
  for (const [key, value] of Object.entries(fields)) {
    attributes[key] = (
      typeof value === 'object' && value !== null ? JSON.stringify(value) : value
    ) as AnyValue;
  }
  const levelName = typeof level === 'string' ? level : 'info';
  // Emitted synchronously from the log call, so the record joins the active span's trace.
  logs.getLogger('mfa-helpdesk-bot').emit({
    severityNumber: SEVERITY[levelName] ?? SeverityNumber.INFO,
    severityText: levelName.toUpperCase(),
    body: typeof msg === 'string' ? msg : '',
    attributes,
  });
}

/** The SDKs' own warnings go to stderr: stdout carries the bot's JSON log lines and nothing else. */
function toStderr(...args: unknown[]): void {
  process.stderr.write(`${format(...args)}\n`);
}

const STDERR_DIAG: DiagLogger = {
  error: toStderr,
  warn: toStderr,
  info: toStderr,
  debug: toStderr,
  verbose: toStderr,
};

export function startTelemetry(settings: TelemetrySettings): Telemetry {
  const options: RedactionOptions = { extraPatterns: settings.extraPatterns };
  // Loaded here, not at the top: without a connection string the SDK is never loaded at all.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const distro = require('@azure/monitor-opentelemetry') as typeof AzureMonitor;
  distro.useAzureMonitor({
    azureMonitorExporterOptions: { connectionString: settings.connectionString },
    // Every turn is worth a trace at a helpdesk's volume; the default rate limit would drop some.
    samplingRatio: 1,
    tracesPerSecond: 0,
    enableLiveMetrics: false,
    spanProcessors: [new RedactingSpanProcessor(options)],
    logRecordProcessors: [new RedactingLogRecordProcessor(options)],
  });
  // After useAzureMonitor, which points both loggers at the console (stdout).
  AzureLogger.log = toStderr;
  diag.setLogger(STDERR_DIAG, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  return {
    exportLogLine: emitLine,
    shutdown: async () => {
      await distro.shutdownAzureMonitor();
    },
  };
}
