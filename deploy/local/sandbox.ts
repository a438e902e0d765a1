/**
 * The local sandbox's settings: the demo tenant and people of .m365agentsplayground.yml and the
 * Graph emulator's demo directory. Nothing here is a secret; production sets its own values.
 */
export const SANDBOX_BOT_PORT = 3978;
export const SANDBOX_PLAYGROUND_PORT = 56150;
export const SANDBOX_APPROVER_PLAYGROUND_PORT = 56151;

export const sandboxEnvironment: Record<string, string> = {
  PORT: String(SANDBOX_BOT_PORT),
  HELPDESK_SANDBOX: 'true',
  // The playground stamps every activity en-US; the sandbox speaks Japanese like production.
  HELPDESK_LOCALE_OVERRIDE: 'ja',
  HELPDESK_ALLOWED_TENANT_IDS: '9a3b5c7d-1e2f-4a6b-8c9d-0e1f2a3b4c5d',
  HELPDESK_APPROVER_GROUP_ID: '0b7e2f11-5c3a-4d2b-8e6f-1a2b3c4d5e01',
  HELPDESK_REVIEWER_GROUP_ID: '0b7e2f11-5c3a-4d2b-8e6f-1a2b3c4d5e02',
  HELPDESK_APPROVALS_CHANNEL_ID: '19:approvals@thread.tacv2',
  HELPDESK_CONTACT_PHONE: '03-1234-0000',
  HELPDESK_CONTACT_EMAIL: 'helpdesk@contoso.example',
  HELPDESK_CONTACT_LOCATION: '本社 3F IT カウンター',
  HELPDESK_LOSS_REPORT_CONTACT: '総務部 端末管理窓口 (内線 2222)',
  HELPDESK_RESPONSE_TARGET_MINUTES: '30',
  HELPDESK_SQLITE_PATH: '.data/sandbox.sqlite',
  HELPDESK_AUDIT_KEY: 'sandbox-only-audit-key-not-for-production-use',
  // Executed resets are announced in the team's General channel and mailed from the demo mailbox.
  HELPDESK_SECURITY_CHANNEL_ID: '19:it-team-general@thread.tacv2',
  HELPDESK_SENDER_MAILBOX: 'mfa-helpdesk@contoso.onmicrosoft.com',
  // The Graph emulator's demo directory accepts any client id and secret for its tenant.
  HELPDESK_GRAPH_CREDENTIAL: 'clientSecret',
  AZURE_TENANT_ID: '9a3b5c7d-1e2f-4a6b-8c9d-0e1f2a3b4c5d',
  AZURE_CLIENT_ID: '00000000-0000-4000-8000-0000000000b0',
  AZURE_CLIENT_SECRET: 'sandbox-only',
};
