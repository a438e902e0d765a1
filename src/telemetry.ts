/**
 * Tracing helpers over the OpenTelemetry API. Without a registered SDK (the sandbox, the tests that
 * do not start telemetry) every call here is a no-op, so code can trace unconditionally.
 */
import {
  isSpanContextValid,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';
import { isAppError } from './errors';

export { SpanKind };

const TRACER_NAME = 'mfa-helpdesk-bot';

export interface TraceOptions {
  kind?: SpanKind;
  /** Identifiers and codes only: never text a person typed, a phone number or a pass. */
  attributes?: Attributes;
}

/**
 * Runs `work` inside a span that ends when it settles. A failure marks the span with its error code
 * only: an error message may quote what a person typed.
 */
export function traced<T>(name: string, options: TraceOptions, work: (span: Span) => Promise<T>): Promise<T> {
  return trace
    .getTracer(TRACER_NAME)
    .startActiveSpan(
      name,
      { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes ?? {} },
      async (span) => {
        try {
          return await work(span);
        } catch (error) {
          const code = isAppError(error) ? error.code : 'UNEXPECTED';
          span.setAttribute('error.code', code);
          if (isAppError(error) && error.requestId !== undefined) {
            span.setAttribute('graph.request_id', error.requestId);
          }
          span.setStatus({ code: SpanStatusCode.ERROR, message: code });
          throw error;
        } finally {
          span.end();
        }
      },
    );
}

/** The active trace for pino's `mixin`, so every log line of a turn names its trace and span. */
export function logCorrelation(): Record<string, string> {
  const context = trace.getActiveSpan()?.spanContext();
  if (context === undefined || !isSpanContextValid(context)) return {};
  return {
    trace_id: context.traceId,
    span_id: context.spanId,
    trace_flags: `0${context.traceFlags.toString(16)}`,
  };
}
