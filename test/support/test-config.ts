import { loadConfig, type Config, type Environment } from '../../src/config';
import { Localizer } from '../../src/i18n/localizer';

/** The demo tenant and people (same ids as the Graph emulator's demo directory and the playground). */
export const DEMO = {
  tenantId: '9a3b5c7d-1e2f-4a6b-8c9d-0e1f2a3b4c5d',
  approverGroupId: '0b7e2f11-5c3a-4d2b-8e6f-1a2b3c4d5e01',
  reviewerGroupId: '0b7e2f11-5c3a-4d2b-8e6f-1a2b3c4d5e02',
  approvalsChannelId: '19:approvals@thread.tacv2',
  securityChannelId: '19:it-team-general@thread.tacv2',
  users: {
    hanako: '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a01',
    misaki: '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a02',
    makoto: '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a03',
    olivia: '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a04',
    ken: '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a05',
    emily: '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a06',
    ichiro: '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a07',
    naoko: '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a08',
    /** PIM for Groups: eligible to join a role-assignable group that holds Helpdesk Administrator. */
    shota: '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a09',
    /** Owner of the role-assignable audit group (Reports Reader). */
    yoko: '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a10',
    /** A guest (B2B) account. */
    alex: '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a11',
    /** A disabled account. */
    daisuke: '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a12',
    /** PIM for Groups: an active, time-bound membership of the Helpdesk Administrator group. */
    megumi: '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a13',
    /** A member of the reviewer group and of nothing privileged. */
    sakura: '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a14',
  },
} as const;

export function testEnvironment(overrides: Environment = {}): Environment {
  return {
    HELPDESK_SANDBOX: 'true',
    LOG_LEVEL: 'silent',
    HELPDESK_ALLOWED_TENANT_IDS: DEMO.tenantId,
    HELPDESK_APPROVER_GROUP_ID: DEMO.approverGroupId,
    HELPDESK_REVIEWER_GROUP_ID: DEMO.reviewerGroupId,
    HELPDESK_APPROVALS_CHANNEL_ID: DEMO.approvalsChannelId,
    HELPDESK_SECURITY_CHANNEL_ID: DEMO.securityChannelId,
    HELPDESK_CONTACT_PHONE: '03-1234-0000',
    HELPDESK_CONTACT_EMAIL: 'helpdesk@contoso.example',
    HELPDESK_CONTACT_LOCATION: '本社 3F IT カウンター',
    HELPDESK_AUDIT_KEY: 'test-audit-key-0123456789abcdef0123456789',
    HELPDESK_SQLITE_PATH: ':memory:',
    // Never the managed-identity default in tests: an accidental Graph call goes to a dead loopback
    // port and fails at once, instead of probing the instance metadata address off this machine.
    HELPDESK_GRAPH_CREDENTIAL: 'clientSecret',
    AZURE_TENANT_ID: DEMO.tenantId,
    AZURE_CLIENT_ID: '00000000-0000-4000-8000-00000000c1d0',
    AZURE_CLIENT_SECRET: 'not-a-secret',
    AZURE_AUTHORITY_HOST: 'https://127.0.0.1:9',
    HELPDESK_GRAPH_BASE_URL: 'https://127.0.0.1:9',
    // Tests talk at machine speed and file many requests within one (fixed) hour; the limit tests
    // set their own, low values.
    HELPDESK_MESSAGE_LIMIT_PER_MINUTE: '1000',
    HELPDESK_REFUSED_CLICK_LIMIT_PER_HOUR: '1000',
    HELPDESK_FREEZE_REQUESTS_PER_HOUR: '10000',
    ...overrides,
  };
}

export function testConfig(overrides: Environment = {}): Config {
  return loadConfig(testEnvironment(overrides));
}

export function testLocalizer(config: Config = testConfig()): Localizer {
  return new Localizer({ ...config.helpdesk, officeHours: config.officeHours, timeZone: config.timeZone });
}
