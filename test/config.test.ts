import { loadConfig, parseOfficeHours } from '../src/config';
import { isAppError } from '../src/errors';
import { testEnvironment } from './support/test-config';

/** A bot outside the sandbox: it has a Bot Framework identity, so JWTs are checked. */
const PRODUCTION_BOT = {
  HELPDESK_SANDBOX: 'false',
  MicrosoftAppType: 'SingleTenant',
  MicrosoftAppId: '00000000-0000-4000-8000-00000000b07a',
  MicrosoftAppPassword: 'not-a-secret',
  MicrosoftAppTenantId: '9a3b5c7d-1e2f-4a6b-8c9d-0e1f2a3b4c5d',
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (isAppError(error, 'CONFIG_INVALID')) return [...error.details];
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('lists every missing setting at once', () => {
    const problems = problemsOf({});
    const named = problems.map((problem) => problem.split(' ')[0]);
    expect(named).toEqual(
      expect.arrayContaining([
        'MicrosoftAppId',
        'HELPDESK_ALLOWED_TENANT_IDS',
        'HELPDESK_APPROVER_GROUP_ID',
        'HELPDESK_REVIEWER_GROUP_ID',
        'HELPDESK_APPROVALS_CHANNEL_ID',
        'HELPDESK_CONTACT_PHONE',
        'HELPDESK_CONTACT_EMAIL',
        'HELPDESK_AUDIT_KEY',
      ]),
    );
    expect(problems.length).toBeGreaterThanOrEqual(8);
  });

  it('lists every invalid value at once, naming the setting and the value', () => {
    const problems = problemsOf(
      testEnvironment({
        PORT: 'eighty',
        HELPDESK_TAP_MAX_LIFETIME_MINUTES: '5',
        HELPDESK_ALLOWED_TENANT_IDS: 'not-a-guid',
        HELPDESK_OFFICE_HOURS: 'whenever',
        HELPDESK_TIME_ZONE: 'Mars/Olympus',
        HELPDESK_DEFAULT_LOCALE: 'fr',
        HELPDESK_AUDIT_KEY: 'short',
        HELPDESK_REMINDER_LEAD_MINUTES: '90',
        HELPDESK_CONTACT_EMAIL: 'nobody',
      }),
    );
    expect(problems).toHaveLength(9);
    expect(problems.join('\n')).toContain('PORT must be a whole number (got "eighty")');
    expect(problems.join('\n')).toContain('HELPDESK_TAP_MAX_LIFETIME_MINUTES must be between 10 and 480');
    expect(problems.join('\n')).toContain('HELPDESK_DEFAULT_LOCALE must be one of ja, en (got "fr")');
  });

  it('applies safe defaults and freezes the result', () => {
    const config = loadConfig(
      testEnvironment({
        // Outside the sandbox: a sandbox must point at loopback, so it has no Entra ID defaults.
        ...PRODUCTION_BOT,
        HELPDESK_MESSAGE_LIMIT_PER_MINUTE: undefined,
        HELPDESK_REFUSED_CLICK_LIMIT_PER_HOUR: undefined,
        HELPDESK_FREEZE_REQUESTS_PER_HOUR: undefined,
        HELPDESK_GRAPH_CREDENTIAL: undefined,
        AZURE_TENANT_ID: undefined,
        AZURE_CLIENT_ID: undefined,
        AZURE_CLIENT_SECRET: undefined,
        AZURE_AUTHORITY_HOST: undefined,
        HELPDESK_GRAPH_BASE_URL: undefined,
      }),
    );
    expect(config.port).toBe(3978);
    expect(config.tapMaxLifetimeMinutes).toBe(60);
    expect(config.requestExpiryMinutes).toBe(60);
    expect(config.defaultLocale).toBe('ja');
    expect(config.timeZone).toBe('Asia/Tokyo');
    expect(config.graph.baseUrl).toBe('https://graph.microsoft.com');
    expect(config.graph.credential).toEqual({ kind: 'managedIdentity', clientId: undefined });
    expect(config.limits).toEqual({
      messagesPerMinute: 30,
      refusedClicksPerHour: 10,
      freezeRequestsPerHour: 20,
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.helpdesk)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow();
  });

  it('allows anonymous Bot Framework auth only in the sandbox', () => {
    expect(loadConfig(testEnvironment()).bot.anonymous).toBe(true);
    expect(problemsOf(testEnvironment({ HELPDESK_SANDBOX: 'false' }))).toEqual([
      expect.stringContaining('MicrosoftAppId is required'),
    ]);
    // Listed with the rest, not one at a time.
    expect(
      problemsOf(
        testEnvironment({ HELPDESK_SANDBOX: 'false', MicrosoftAppId: ' ', HELPDESK_CONTACT_PHONE: '' }),
      ),
    ).toEqual([
      expect.stringContaining('MicrosoftAppId is required'),
      expect.stringContaining('HELPDESK_CONTACT_PHONE is required'),
    ]);
  });

  it('refuses, all at once, a sandbox that could reach or be a real tenant', () => {
    // The sandbox turns JWT checks off; pointed at Entra ID and real Graph it would be production.
    const problems = problemsOf(
      testEnvironment({
        HELPDESK_GRAPH_BASE_URL: 'https://graph.microsoft.com',
        AZURE_AUTHORITY_HOST: undefined,
        HELPDESK_GRAPH_CREDENTIAL: 'managedIdentity',
        HELPDESK_AUDIT_KEY: 'short',
      }),
    );
    expect(problems).toEqual([
      expect.stringContaining('HELPDESK_AUDIT_KEY must be at least 32 characters'),
      expect.stringContaining('HELPDESK_GRAPH_BASE_URL must be a loopback URL with HELPDESK_SANDBOX=true'),
      expect.stringContaining('AZURE_AUTHORITY_HOST must be a loopback URL'),
      expect.stringContaining('HELPDESK_GRAPH_CREDENTIAL must not be managedIdentity'),
    ]);
    expect(
      problemsOf(testEnvironment({ AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.com' })),
    ).toEqual([expect.stringContaining('AZURE_AUTHORITY_HOST must be a loopback URL')]);
    expect(
      problemsOf(
        testEnvironment({
          HELPDESK_GRAPH_BASE_URL: 'https://[::1]:8443',
          AZURE_AUTHORITY_HOST: 'https://localhost:8443',
        }),
      ),
    ).toEqual([]);
    // The same settings are fine for a bot that checks JWTs.
    expect(
      problemsOf(
        testEnvironment({
          ...PRODUCTION_BOT,
          HELPDESK_GRAPH_BASE_URL: 'https://graph.microsoft.com',
          AZURE_AUTHORITY_HOST: undefined,
          HELPDESK_GRAPH_CREDENTIAL: 'managedIdentity',
        }),
      ),
    ).toEqual([]);
  });

  it('refuses an authority host that is not an https URL', () => {
    expect(
      problemsOf(testEnvironment({ ...PRODUCTION_BOT, AZURE_AUTHORITY_HOST: 'http://login.example' })),
    ).toEqual([expect.stringContaining('AZURE_AUTHORITY_HOST must be an https:// URL')]);
  });

  it('asks for the credential settings the chosen Graph credential needs', () => {
    const problems = problemsOf(
      testEnvironment({
        AZURE_TENANT_ID: undefined,
        AZURE_CLIENT_ID: undefined,
        AZURE_CLIENT_SECRET: undefined,
      }),
    );
    expect(problems.map((problem) => problem.split(' ')[0])).toEqual([
      'AZURE_TENANT_ID',
      'AZURE_CLIENT_ID',
      'AZURE_CLIENT_SECRET',
    ]);
  });

  it('caps the pass lifetime at 480 minutes, whatever the tenant policy would allow', () => {
    expect(problemsOf(testEnvironment({ HELPDESK_TAP_MAX_LIFETIME_MINUTES: '481' }))).toEqual([
      expect.stringContaining('HELPDESK_TAP_MAX_LIFETIME_MINUTES must be between 10 and 480'),
    ]);
    expect(
      loadConfig(testEnvironment({ HELPDESK_TAP_MAX_LIFETIME_MINUTES: '480' })).tapMaxLifetimeMinutes,
    ).toBe(480);
  });

  it('refuses to start without a notice channel: a security channel or a sender mailbox', () => {
    expect(problemsOf(testEnvironment({ HELPDESK_SECURITY_CHANNEL_ID: undefined }))).toEqual([
      expect.stringContaining('HELPDESK_SECURITY_CHANNEL_ID or HELPDESK_SENDER_MAILBOX is required'),
    ]);
    const mailOnly = loadConfig(
      testEnvironment({
        HELPDESK_SECURITY_CHANNEL_ID: undefined,
        HELPDESK_SENDER_MAILBOX: 'mfa-helpdesk@contoso.onmicrosoft.com',
      }),
    );
    expect(mailOnly.securityChannelId).toBeUndefined();
  });

  it('refuses a Graph base URL that is not https', () => {
    expect(problemsOf(testEnvironment({ HELPDESK_GRAPH_BASE_URL: 'http://127.0.0.1:8443' }))).toEqual([
      expect.stringContaining('HELPDESK_GRAPH_BASE_URL must be an https:// URL'),
    ]);
  });
});

describe('parseOfficeHours', () => {
  it.each([
    ['Mon-Fri 09:00-18:00', [1, 2, 3, 4, 5], 540, 1080],
    ['Mon,Wed,Fri 10:00-16:30', [1, 3, 5], 600, 990],
    ['Sat 08:00-12:00', [6], 480, 720],
  ])('reads %s', (text, days, start, end) => {
    expect(parseOfficeHours(text)).toEqual({ days, startMinute: start, endMinute: end, text });
  });

  it.each(['Fri-Mon 09:00-18:00', 'Mon-Fri 18:00-09:00', 'weekdays', 'Mon-Fri 09:60-18:00'])(
    'refuses %s',
    (text) => {
      expect(parseOfficeHours(text)).toBeUndefined();
    },
  );
});
