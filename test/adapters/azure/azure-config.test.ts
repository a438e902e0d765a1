import { loadConfig } from '../../../src/config';
import { isAppError } from '../../../src/errors';
import { testEnvironment } from '../../support/test-config';

const AZURITE =
  'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1';

/** Outside the sandbox (the managed identity is refused in a sandbox). */
const PRODUCTION = {
  HELPDESK_SANDBOX: 'false',
  MicrosoftAppType: 'UserAssignedMSI',
  MicrosoftAppId: '00000000-0000-4000-8000-00000000b07a',
  MicrosoftAppTenantId: '9a3b5c7d-1e2f-4a6b-8c9d-0e1f2a3b4c5d',
  HELPDESK_GRAPH_BASE_URL: 'https://graph.microsoft.com',
  HELPDESK_GRAPH_CREDENTIAL: 'managedIdentity',
  AZURE_AUTHORITY_HOST: undefined,
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

describe('config: HELPDESK_STORAGE=azure', () => {
  it('takes the account URLs with the managed identity (AZURE_CLIENT_ID for a user-assigned one)', () => {
    const config = loadConfig(
      testEnvironment({
        ...PRODUCTION,
        HELPDESK_STORAGE: 'azure',
        HELPDESK_AZURE_BLOB_URL: 'https://acct.blob.core.windows.net/',
        HELPDESK_AZURE_TABLE_URL: 'https://acct.table.core.windows.net',
        AZURE_CLIENT_ID: '11111111-2222-4333-8444-555555555555',
      }),
    );
    expect(config.storage).toEqual({
      kind: 'azure',
      connection: {
        kind: 'identity',
        blobUrl: 'https://acct.blob.core.windows.net',
        tableUrl: 'https://acct.table.core.windows.net',
        clientId: '11111111-2222-4333-8444-555555555555',
      },
      blobContainer: 'helpdesk-state',
      tablePrefix: 'helpdesk',
      createResources: false,
    });
  });

  it('takes a connection string for Azurite in the sandbox, and may create the tables', () => {
    const config = loadConfig(
      testEnvironment({
        HELPDESK_STORAGE: 'azure',
        HELPDESK_AZURE_STORAGE_CONNECTION_STRING: AZURITE,
        HELPDESK_AZURE_CREATE_RESOURCES: 'true',
        HELPDESK_AZURE_TABLE_PREFIX: 'dev1',
      }),
    );
    expect(config.storage).toMatchObject({
      kind: 'azure',
      connection: { kind: 'connectionString', connectionString: AZURITE },
      tablePrefix: 'dev1',
      createResources: true,
    });
  });

  it('names what is missing or wrong, all at once', () => {
    expect(problemsOf(testEnvironment({ ...PRODUCTION, HELPDESK_STORAGE: 'azure' }))).toEqual([
      expect.stringContaining('HELPDESK_AZURE_BLOB_URL is required when HELPDESK_STORAGE=azure'),
      expect.stringContaining('HELPDESK_AZURE_TABLE_URL is required when HELPDESK_STORAGE=azure'),
    ]);
    expect(
      problemsOf(
        testEnvironment({
          ...PRODUCTION,
          HELPDESK_STORAGE: 'azure',
          HELPDESK_AZURE_BLOB_URL: 'http://acct.blob.core.windows.net',
          HELPDESK_AZURE_TABLE_URL: 'https://acct.table.core.windows.net',
          HELPDESK_AZURE_BLOB_CONTAINER: 'Bad_Name',
          HELPDESK_AZURE_TABLE_PREFIX: '1x',
        }),
      ),
    ).toEqual([
      expect.stringContaining('HELPDESK_AZURE_BLOB_URL must be an https:// URL'),
      expect.stringContaining('HELPDESK_AZURE_BLOB_CONTAINER must be 3-63 lower-case letters'),
      expect.stringContaining('HELPDESK_AZURE_TABLE_PREFIX must be 3-52 letters and digits'),
    ]);
    expect(
      problemsOf(
        testEnvironment({
          ...PRODUCTION,
          HELPDESK_STORAGE: 'azure',
          HELPDESK_AZURE_STORAGE_CONNECTION_STRING: AZURITE,
          HELPDESK_AZURE_TABLE_URL: 'https://acct.table.core.windows.net',
        }),
      ),
    ).toEqual([expect.stringContaining('exclude each other')]);
  });

  it('keeps a sandbox on loopback storage: Azurite only, never the managed identity or a remote account', () => {
    expect(
      problemsOf(
        testEnvironment({
          HELPDESK_STORAGE: 'azure',
          HELPDESK_AZURE_STORAGE_CONNECTION_STRING:
            'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;BlobEndpoint=https://acct.blob.core.windows.net;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1',
        }),
      ),
    ).toEqual([expect.stringContaining('must name loopback endpoints (Azurite) with HELPDESK_SANDBOX=true')]);
    expect(
      problemsOf(
        testEnvironment({
          HELPDESK_STORAGE: 'azure',
          HELPDESK_AZURE_STORAGE_CONNECTION_STRING:
            'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5',
        }),
      ),
    ).toEqual([expect.stringContaining('must name BlobEndpoint and TableEndpoint (Azurite)')]);
    expect(
      problemsOf(
        testEnvironment({
          HELPDESK_STORAGE: 'azure',
          HELPDESK_AZURE_BLOB_URL: 'https://acct.blob.core.windows.net',
          HELPDESK_AZURE_TABLE_URL: 'https://acct.table.core.windows.net',
        }),
      ),
    ).toEqual([
      expect.stringContaining(
        'HELPDESK_AZURE_STORAGE_CONNECTION_STRING (Azurite) is required with HELPDESK_SANDBOX=true',
      ),
    ]);
  });
});
