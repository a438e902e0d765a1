import { LOCALES, type Locale } from './domain/locale';
import type { OfficeHours } from './domain/office-hours';
import {
  GRAPH_TAP_LIFETIME,
  TAP_DEFAULT_LIFETIME_MINUTES,
  TAP_MAX_LIFETIME_CEILING_MINUTES,
} from './domain/tap-lifetime';
import { AppError } from './errors';
import {
  azuriteConnectionProblems,
  isLoopbackHost,
  isLoopbackUrl,
  type AzureStorageConfig,
} from './config-azure-storage';

/**
 * The only module that reads the environment (DESIGN.md section 4). Everything else receives the
 * frozen `Config` from the composition root, so tests build configs without touching process.env.
 */

export { LOCALES, type Locale };
export { isLoopbackHost, type AzureStorageConfig };

export type GraphCredentialConfig =
  | { kind: 'managedIdentity'; clientId: string | undefined }
  | { kind: 'clientSecret'; tenantId: string; clientId: string; clientSecret: string }
  | { kind: 'clientCertificate'; tenantId: string; clientId: string; certificatePath: string };

export type { OfficeHours };

export interface Config {
  port: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Local sandbox: anonymous Bot Framework auth and the Japanese locale override are allowed only here. */
  sandbox: boolean;
  maxBodyBytes: number;
  bot: {
    appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    appId: string;
    appPassword: string;
    appTenantId: string;
    /** True when no app id is set (sandbox only): the adapter skips JWT validation. */
    anonymous: boolean;
  };
  graph: {
    baseUrl: string;
    authorityHost: string | undefined;
    credential: GraphCredentialConfig;
    timeoutMs: number;
  };
  allowedTenantIds: readonly string[];
  approverGroupId: string;
  reviewerGroupId: string;
  approvalsChannelId: string;
  securityChannelId: string | undefined;
  senderMailbox: string | undefined;
  breakGlassUserIds: readonly string[];
  helpdesk: {
    phone: string;
    email: string;
    location: string;
    /** Where a lost or stolen company phone is reported (so IT can lock or wipe it). */
    lossReport: string;
    /** How long, in office minutes, IT aims to take before it picks up a new request. */
    responseTargetMinutes: number;
  };
  /** The tenant offers Microsoft Entra ID account recovery to people who lost every method. */
  accountRecovery: boolean;
  officeHours: OfficeHours;
  timeZone: string;
  defaultLocale: Locale;
  localeOverride: Locale | undefined;
  storage: { kind: 'sqlite'; path: string } | AzureStorageConfig;
  tapMaxLifetimeMinutes: number;
  requestExpiryMinutes: number;
  reminderLeadMinutes: number;
  monthlyRequestCap: number;
  /** Background work timings; several instances share the work through leases of this length. */
  jobs: {
    /** How long a request taken by an executor stays its own without renewal (a crashed one's runs out). */
    executorLeaseSeconds: number;
    /** How often an executor looks for approved requests and for leases that ran out. */
    executorPollSeconds: number;
    /** How often the sweeper looks for requests whose time has come. */
    sweepIntervalSeconds: number;
  };
  limits: {
    /** Messages one person may send a minute; past it the bot says so once and ignores the rest. */
    messagesPerMinute: number;
    /** Refused card clicks one person may make an hour; past it they get a short answer only. */
    refusedClicksPerHour: number;
    /** More new requests than this in an hour, tenant-wide, freezes filing (approvers are told). */
    freezeRequestsPerHour: number;
  };
  transcriptRetentionDays: number;
  auditRetentionDays: number;
  auditKey: string;
  /** Extra regular expressions whose matches are redacted from transcripts and logs. */
  sensitivePatterns: readonly RegExp[];
  /** Application Insights; off (undefined) unless APPLICATIONINSIGHTS_CONNECTION_STRING is set. */
  telemetry: { connectionString: string | undefined };
}

export type Environment = Readonly<Record<string, string | undefined>>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Collects every problem instead of stopping at the first, so an operator fixes them in one go. */
class Reader {
  readonly problems: string[] = [];

  constructor(private readonly env: Environment) {}

  raw(name: string): string | undefined {
    const value = this.env[name];
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }

  required(name: string, why = 'is required'): string {
    const value = this.raw(name);
    if (value === undefined) {
      this.problems.push(`${name} ${why}`);
      return '';
    }
    return value;
  }

  optional(name: string): string | undefined {
    return this.raw(name);
  }

  withDefault(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value)) {
      this.problems.push(`${name} must be a whole number (got "${value}")`);
      return fallback;
    }
    const parsed = Number(value);
    if (parsed < min || parsed > max) {
      this.problems.push(`${name} must be between ${min} and ${max} (got ${parsed})`);
      return fallback;
    }
    return parsed;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (/^(true|1|yes)$/i.test(value)) return true;
    if (/^(false|0|no)$/i.test(value)) return false;
    this.problems.push(`${name} must be true or false (got "${value}")`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const match = allowed.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
    if (match === undefined) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
      return fallback;
    }
    return match;
  }

  guid(name: string, value: string): string {
    if (value !== '' && !GUID.test(value)) this.problems.push(`${name} must be a GUID (got "${value}")`);
    return value.toLowerCase();
  }

  guidList(name: string, { required }: { required: boolean }): string[] {
    const value = required ? this.required(name) : this.optional(name);
    if (value === undefined || value === '') return [];
    const items = value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    for (const item of items) this.guid(name, item);
    return items.map((item) => item.toLowerCase());
  }

  url(name: string, fallback: string): string {
    return this.checkedUrl(name, this.withDefault(name, fallback));
  }

  requiredUrl(name: string, why: string): string {
    const value = this.required(name, why);
    return value === '' ? '' : this.checkedUrl(name, value);
  }

  optionalUrl(name: string): string | undefined {
    const value = this.optional(name);
    return value === undefined ? undefined : this.checkedUrl(name, value);
  }

  private checkedUrl(name: string, value: string): string {
    try {
      const parsed = new URL(value);
      if (parsed.protocol !== 'https:')
        this.problems.push(`${name} must be an https:// URL (got "${value}")`);
    } catch {
      this.problems.push(`${name} must be a URL (got "${value}")`);
    }
    return value.replace(/\/+$/, '');
  }
}

export function parseOfficeHours(text: string): OfficeHours | undefined {
  // "Mon-Fri 09:00-18:00" or "Mon,Wed,Fri 10:00-16:00"
  const match =
    /^([A-Za-z]{3})(?:-([A-Za-z]{3})|((?:,[A-Za-z]{3})*))\s+(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(
      text.trim(),
    );
  if (!match) return undefined;
  const [, first, last, list, h1, m1, h2, m2] = match;
  const dayIndex = (name: string | undefined): number => DAY_NAMES.indexOf((name ?? '').toLowerCase()) + 1;
  let days: number[];
  if (last !== undefined) {
    const from = dayIndex(first);
    const to = dayIndex(last);
    if (from === 0 || to === 0 || to < from) return undefined;
    days = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  } else {
    const names = [first, ...(list ?? '').split(',').filter((name) => name !== '')];
    days = names.map(dayIndex);
    if (days.includes(0)) return undefined;
  }
  const startMinute = Number(h1) * 60 + Number(m1);
  const endMinute = Number(h2) * 60 + Number(m2);
  if (startMinute >= endMinute || endMinute > 24 * 60 || Number(m1) > 59 || Number(m2) > 59) return undefined;
  return { days, startMinute, endMinute, text: text.trim() };
}

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function compilePatterns(reader: Reader, name: string): RegExp[] {
  const value = reader.optional(name);
  if (value === undefined) return [];
  // Patterns are separated by newlines or ";;" because commas and semicolons occur inside regexes.
  return value
    .split(/\n|;;/)
    .map((pattern) => pattern.trim())
    .filter((pattern) => pattern !== '')
    .flatMap((pattern) => {
      try {
        return [new RegExp(pattern, 'g')];
      } catch {
        reader.problems.push(`${name} contains an invalid regular expression: ${pattern}`);
        return [];
      }
    });
}

function readGraphCredential(reader: Reader): GraphCredentialConfig {
  const kind = reader.oneOf(
    'HELPDESK_GRAPH_CREDENTIAL',
    ['managedIdentity', 'clientSecret', 'clientCertificate'] as const,
    'managedIdentity',
  );
  if (kind === 'managedIdentity') return { kind, clientId: reader.optional('AZURE_CLIENT_ID') };
  const why = `is required when HELPDESK_GRAPH_CREDENTIAL=${kind}`;
  const tenantId = reader.guid('AZURE_TENANT_ID', reader.required('AZURE_TENANT_ID', why));
  const clientId = reader.guid('AZURE_CLIENT_ID', reader.required('AZURE_CLIENT_ID', why));
  if (kind === 'clientSecret') {
    return { kind, tenantId, clientId, clientSecret: reader.required('AZURE_CLIENT_SECRET', why) };
  }
  return {
    kind,
    tenantId,
    clientId,
    certificatePath: reader.required('AZURE_CLIENT_CERTIFICATE_PATH', why),
  };
}

/**
 * The sandbox turns JWT checks off, so it must never reach or be reached from anything real: the
 * server listens on loopback (see server.ts), and Graph and the token authority must be loopback
 * too (the Graph emulator). A managed identity gets its tokens from the instance metadata service,
 * which is not loopback, so it is refused here as well.
 */
function checkSandboxIsLocal(reader: Reader, graph: Config['graph']): void {
  const why = 'with HELPDESK_SANDBOX=true (no JWT checks): a sandbox talks to loopback only';
  if (!isLoopbackUrl(graph.baseUrl)) {
    reader.problems.push(`HELPDESK_GRAPH_BASE_URL must be a loopback URL ${why} (got "${graph.baseUrl}")`);
  }
  if (!isLoopbackUrl(graph.authorityHost)) {
    reader.problems.push(
      `AZURE_AUTHORITY_HOST must be a loopback URL ${why} (got "${graph.authorityHost ?? 'the Entra ID default'}")`,
    );
  }
  if (graph.credential.kind === 'managedIdentity') {
    reader.problems.push(`HELPDESK_GRAPH_CREDENTIAL must not be managedIdentity ${why}`);
  }
}

const BLOB_CONTAINER = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;
/** Table names are 3-63 letters and digits starting with a letter; the longest suffix is 11 characters. */
const TABLE_PREFIX = /^[A-Za-z][A-Za-z0-9]{2,51}$/;

function readAzureStorage(reader: Reader, sandbox: boolean): AzureStorageConfig {
  const connectionString = reader.optional('HELPDESK_AZURE_STORAGE_CONNECTION_STRING');
  const blobUrl = reader.optional('HELPDESK_AZURE_BLOB_URL');
  const tableUrl = reader.optional('HELPDESK_AZURE_TABLE_URL');
  let connection: AzureStorageConfig['connection'];
  if (connectionString !== undefined) {
    if (blobUrl !== undefined || tableUrl !== undefined) {
      reader.problems.push(
        'HELPDESK_AZURE_STORAGE_CONNECTION_STRING and HELPDESK_AZURE_BLOB_URL/HELPDESK_AZURE_TABLE_URL exclude each other (a connection string for Azurite, the URLs with the managed identity)',
      );
    }
    if (sandbox) reader.problems.push(...azuriteConnectionProblems(connectionString));
    connection = { kind: 'connectionString', connectionString };
  } else {
    const why = 'is required when HELPDESK_STORAGE=azure (or set HELPDESK_AZURE_STORAGE_CONNECTION_STRING)';
    connection = {
      kind: 'identity',
      blobUrl: reader.requiredUrl('HELPDESK_AZURE_BLOB_URL', why),
      tableUrl: reader.requiredUrl('HELPDESK_AZURE_TABLE_URL', why),
      clientId: reader.optional('AZURE_CLIENT_ID'),
    };
    if (sandbox) {
      reader.problems.push(
        'HELPDESK_AZURE_STORAGE_CONNECTION_STRING (Azurite) is required with HELPDESK_SANDBOX=true and HELPDESK_STORAGE=azure: a sandbox talks to loopback only, and the managed identity is not loopback',
      );
    }
  }
  const blobContainer = reader.withDefault('HELPDESK_AZURE_BLOB_CONTAINER', 'helpdesk-state');
  if (!BLOB_CONTAINER.test(blobContainer)) {
    reader.problems.push(
      `HELPDESK_AZURE_BLOB_CONTAINER must be 3-63 lower-case letters, digits and single hyphens (got "${blobContainer}")`,
    );
  }
  const tablePrefix = reader.withDefault('HELPDESK_AZURE_TABLE_PREFIX', 'helpdesk');
  if (!TABLE_PREFIX.test(tablePrefix)) {
    reader.problems.push(
      `HELPDESK_AZURE_TABLE_PREFIX must be 3-52 letters and digits, starting with a letter (got "${tablePrefix}")`,
    );
  }
  return {
    kind: 'azure',
    connection,
    blobContainer,
    tablePrefix,
    createResources: reader.boolean('HELPDESK_AZURE_CREATE_RESOURCES', false),
  };
}

/** Turns the environment into a typed, frozen config, or throws CONFIG_INVALID listing every problem. */
export function loadConfig(env: Environment): Config {
  const reader = new Reader(env);
  const sandbox = reader.boolean('HELPDESK_SANDBOX', false);

  const appType = reader.oneOf(
    'MicrosoftAppType',
    ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const,
    'MultiTenant',
  );
  const appId = reader.optional('MicrosoftAppId') ?? '';
  const appPassword = reader.optional('MicrosoftAppPassword') ?? '';
  const appTenantId = reader.optional('MicrosoftAppTenantId') ?? '';
  const anonymous = appId === '';
  if (anonymous && !sandbox) {
    reader.problems.push(
      'MicrosoftAppId is required (anonymous Bot Framework auth is allowed only with HELPDESK_SANDBOX=true)',
    );
  }
  if (!anonymous) {
    reader.guid('MicrosoftAppId', appId);
    if (appType !== 'UserAssignedMSI' && appPassword === '') {
      reader.problems.push(`MicrosoftAppPassword is required when MicrosoftAppType=${appType}`);
    }
    if (appType !== 'MultiTenant' && appTenantId === '') {
      reader.problems.push(`MicrosoftAppTenantId is required when MicrosoftAppType=${appType}`);
    }
  }

  const officeHoursText = reader.withDefault('HELPDESK_OFFICE_HOURS', 'Mon-Fri 09:00-18:00');
  const officeHours = parseOfficeHours(officeHoursText);
  if (!officeHours) {
    reader.problems.push(
      `HELPDESK_OFFICE_HOURS must look like "Mon-Fri 09:00-18:00" (got "${officeHoursText}")`,
    );
  }
  const timeZone = reader.withDefault('HELPDESK_TIME_ZONE', 'Asia/Tokyo');
  if (!isValidTimeZone(timeZone))
    reader.problems.push(`HELPDESK_TIME_ZONE is not a known time zone (got "${timeZone}")`);

  const storageKind = reader.oneOf('HELPDESK_STORAGE', ['sqlite', 'azure'] as const, 'sqlite');
  const storage: Config['storage'] =
    storageKind === 'sqlite'
      ? { kind: 'sqlite', path: reader.withDefault('HELPDESK_SQLITE_PATH', '.data/helpdesk.sqlite') }
      : readAzureStorage(reader, sandbox);

  const requestExpiryMinutes = reader.integer('HELPDESK_REQUEST_EXPIRY_MINUTES', 60, 5, 7 * 24 * 60);
  const reminderLeadMinutes = reader.integer('HELPDESK_REMINDER_LEAD_MINUTES', 15, 1, 7 * 24 * 60);
  if (reminderLeadMinutes >= requestExpiryMinutes) {
    reader.problems.push(
      'HELPDESK_REMINDER_LEAD_MINUTES must be shorter than HELPDESK_REQUEST_EXPIRY_MINUTES',
    );
  }
  const transcriptRetentionDays = reader.integer('HELPDESK_TRANSCRIPT_RETENTION_DAYS', 30, 1, 3650);
  const auditRetentionDays = reader.integer('HELPDESK_AUDIT_RETENTION_DAYS', 2555, 1, 36500);
  if (auditRetentionDays < transcriptRetentionDays) {
    reader.problems.push(
      'HELPDESK_AUDIT_RETENTION_DAYS must not be shorter than HELPDESK_TRANSCRIPT_RETENTION_DAYS',
    );
  }

  const auditKey = reader.required(
    'HELPDESK_AUDIT_KEY',
    'is required (32 characters or more; it keys the audit chain)',
  );
  if (auditKey !== '' && auditKey.length < 32) {
    reader.problems.push('HELPDESK_AUDIT_KEY must be at least 32 characters long');
  }

  const helpdeskEmail = reader.required(
    'HELPDESK_CONTACT_EMAIL',
    'is required (every dead end names the helpdesk)',
  );
  if (helpdeskEmail !== '' && !EMAIL.test(helpdeskEmail)) {
    reader.problems.push(`HELPDESK_CONTACT_EMAIL must be an e-mail address (got "${helpdeskEmail}")`);
  }
  const helpdeskPhone = reader.required(
    'HELPDESK_CONTACT_PHONE',
    'is required (every dead end names the helpdesk)',
  );
  const responseTargetMinutes = reader.integer('HELPDESK_RESPONSE_TARGET_MINUTES', 30, 1, 7 * 24 * 60);
  if (responseTargetMinutes >= requestExpiryMinutes) {
    reader.problems.push(
      'HELPDESK_RESPONSE_TARGET_MINUTES must be shorter than HELPDESK_REQUEST_EXPIRY_MINUTES',
    );
  }
  const senderMailbox = reader.optional('HELPDESK_SENDER_MAILBOX');
  if (senderMailbox !== undefined && !EMAIL.test(senderMailbox)) {
    reader.problems.push(`HELPDESK_SENDER_MAILBOX must be an e-mail address (got "${senderMailbox}")`);
  }
  const securityChannelId = reader.optional('HELPDESK_SECURITY_CHANNEL_ID');
  if (securityChannelId === undefined && senderMailbox === undefined) {
    // A reset nobody outside the request chat hears about is what a helpdesk social engineer wants.
    reader.problems.push(
      'HELPDESK_SECURITY_CHANNEL_ID or HELPDESK_SENDER_MAILBOX is required (resets must be announced outside the request chat)',
    );
  }

  const graph: Config['graph'] = {
    baseUrl: reader.url('HELPDESK_GRAPH_BASE_URL', 'https://graph.microsoft.com'),
    authorityHost: reader.optionalUrl('AZURE_AUTHORITY_HOST'),
    credential: readGraphCredential(reader),
    timeoutMs: reader.integer('HELPDESK_GRAPH_TIMEOUT_MS', 15000, 1000, 120000),
  };
  if (sandbox) checkSandboxIsLocal(reader, graph);

  const localeOverrideRaw = reader.optional('HELPDESK_LOCALE_OVERRIDE');
  const localeOverride =
    localeOverrideRaw === undefined ? undefined : reader.oneOf('HELPDESK_LOCALE_OVERRIDE', LOCALES, 'ja');

  const config: Config = {
    port: reader.integer('PORT', 3978, 1, 65535),
    logLevel: reader.oneOf(
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      'info',
    ),
    sandbox,
    maxBodyBytes: reader.integer('HELPDESK_MAX_BODY_BYTES', 256 * 1024, 1024, 4 * 1024 * 1024),
    bot: { appType, appId, appPassword, appTenantId, anonymous },
    graph,
    allowedTenantIds: reader.guidList('HELPDESK_ALLOWED_TENANT_IDS', { required: true }),
    approverGroupId: reader.guid('HELPDESK_APPROVER_GROUP_ID', reader.required('HELPDESK_APPROVER_GROUP_ID')),
    reviewerGroupId: reader.guid('HELPDESK_REVIEWER_GROUP_ID', reader.required('HELPDESK_REVIEWER_GROUP_ID')),
    approvalsChannelId: reader.required('HELPDESK_APPROVALS_CHANNEL_ID'),
    securityChannelId,
    senderMailbox,
    breakGlassUserIds: reader.guidList('HELPDESK_BREAK_GLASS_USER_IDS', { required: false }),
    helpdesk: {
      phone: helpdeskPhone,
      email: helpdeskEmail,
      location: reader.withDefault('HELPDESK_CONTACT_LOCATION', ''),
      // Without a separate desk for losses, the helpdesk itself takes the report.
      lossReport: reader.withDefault('HELPDESK_LOSS_REPORT_CONTACT', helpdeskPhone),
      responseTargetMinutes,
    },
    accountRecovery: reader.boolean('HELPDESK_ACCOUNT_RECOVERY', false),
    officeHours: officeHours ?? {
      days: [1, 2, 3, 4, 5],
      startMinute: 540,
      endMinute: 1080,
      text: officeHoursText,
    },
    timeZone,
    defaultLocale: reader.oneOf('HELPDESK_DEFAULT_LOCALE', LOCALES, 'ja'),
    localeOverride,
    storage,
    tapMaxLifetimeMinutes: reader.integer(
      'HELPDESK_TAP_MAX_LIFETIME_MINUTES',
      TAP_DEFAULT_LIFETIME_MINUTES,
      GRAPH_TAP_LIFETIME.minMinutes,
      TAP_MAX_LIFETIME_CEILING_MINUTES,
    ),
    requestExpiryMinutes,
    reminderLeadMinutes,
    monthlyRequestCap: reader.integer('HELPDESK_MONTHLY_REQUEST_CAP', 3, 1, 100),
    jobs: {
      executorLeaseSeconds: reader.integer('HELPDESK_EXECUTOR_LEASE_SECONDS', 120, 5, 3600),
      executorPollSeconds: reader.integer('HELPDESK_EXECUTOR_POLL_SECONDS', 5, 1, 300),
      sweepIntervalSeconds: reader.integer('HELPDESK_SWEEP_INTERVAL_SECONDS', 30, 1, 3600),
    },
    limits: {
      messagesPerMinute: reader.integer('HELPDESK_MESSAGE_LIMIT_PER_MINUTE', 30, 5, 1000),
      refusedClicksPerHour: reader.integer('HELPDESK_REFUSED_CLICK_LIMIT_PER_HOUR', 10, 1, 1000),
      freezeRequestsPerHour: reader.integer('HELPDESK_FREEZE_REQUESTS_PER_HOUR', 20, 1, 10000),
    },
    transcriptRetentionDays,
    auditRetentionDays,
    auditKey,
    sensitivePatterns: compilePatterns(reader, 'HELPDESK_SENSITIVE_PATTERNS'),
    telemetry: { connectionString: reader.optional('APPLICATIONINSIGHTS_CONNECTION_STRING') },
  };

  if (reader.problems.length > 0) {
    throw new AppError('CONFIG_INVALID', `Invalid configuration:\n- ${reader.problems.join('\n- ')}`, {
      details: reader.problems,
    });
  }
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !(value instanceof RegExp) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** The composition root's entry point; keeps `process.env` inside this module. */
export function loadConfigFromProcess(): Config {
  return loadConfig(process.env);
}

/**
 * The bot runs on App Service: skip OpenTelemetry's VM/AKS detectors, whose metadata-endpoint probe
 * can hold the first export back (and lose it when the process stops soon after). The SDK reads this
 * only from the environment, so the one module that owns `process.env` sets it.
 */
export function useAppServiceResourceDetectors(): void {
  process.env.OTEL_NODE_RESOURCE_DETECTORS ??= 'env,host,os,process,serviceinstance,azure_app_service';
}
