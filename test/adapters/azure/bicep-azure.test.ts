/**
 * deploy/azure with storageBackend='azure': the app settings main.bicep writes load into the Azure
 * backend's config (account URLs with the managed identity), and storage.bicep creates exactly the
 * tables the backend checks for at start.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TABLE_SUFFIXES } from '../../../src/adapters/azure';
import { loadConfig } from '../../../src/config';
import { testEnvironment } from '../../support/test-config';

const AZURE = join(__dirname, '..', '..', '..', 'deploy', 'azure');
const main = readFileSync(join(AZURE, 'main.bicep'), 'utf8');
const storage = readFileSync(join(AZURE, 'modules', 'storage.bicep'), 'utf8');

function setting(name: string): string {
  const match = new RegExp(`\\{ name: '${name}', value: (.+) \\}`).exec(main);
  if (!match?.[1]) throw new Error(`main.bicep sets no ${name}`);
  return match[1].trim();
}

describe('deploy/azure for HELPDESK_STORAGE=azure', () => {
  it('hands the bot the account URLs, container and table prefix from the storage module', () => {
    expect(setting('HELPDESK_STORAGE')).toBe('storageBackend');
    expect(setting('HELPDESK_AZURE_BLOB_URL')).toBe('storage.outputs.blobEndpoint');
    expect(setting('HELPDESK_AZURE_TABLE_URL')).toBe('storage.outputs.tableEndpoint');
    expect(setting('HELPDESK_AZURE_BLOB_CONTAINER')).toBe('storage.outputs.blobContainerName');
    expect(setting('HELPDESK_AZURE_TABLE_PREFIX')).toBe('storage.outputs.tablePrefix');
    expect(setting('AZURE_CLIENT_ID')).toBe('identity.outputs.clientId');
    expect(main).not.toContain('HELPDESK_AZURE_STORAGE_CONNECTION_STRING');
    expect(main).not.toContain('HELPDESK_AZURE_CREATE_RESOURCES');

    // The values App Service would pass (primaryEndpoints end with a slash).
    const config = loadConfig(
      testEnvironment({
        HELPDESK_SANDBOX: 'false',
        MicrosoftAppType: 'UserAssignedMSI',
        MicrosoftAppId: '00000000-0000-4000-8000-00000000b07a',
        MicrosoftAppTenantId: '9a3b5c7d-1e2f-4a6b-8c9d-0e1f2a3b4c5d',
        HELPDESK_GRAPH_BASE_URL: 'https://graph.microsoft.com',
        HELPDESK_GRAPH_CREDENTIAL: 'managedIdentity',
        AZURE_AUTHORITY_HOST: undefined,
        AZURE_CLIENT_ID: '00000000-0000-4000-8000-00000000b07a',
        HELPDESK_STORAGE: 'azure',
        HELPDESK_AZURE_BLOB_URL: 'https://acct.blob.core.windows.net/',
        HELPDESK_AZURE_TABLE_URL: 'https://acct.table.core.windows.net/',
        HELPDESK_AZURE_BLOB_CONTAINER: /param blobContainerName string = '([^']+)'/.exec(storage)?.[1],
        HELPDESK_AZURE_TABLE_PREFIX: /param tablePrefix string = '([^']+)'/.exec(storage)?.[1],
      }),
    );
    expect(config.storage).toEqual({
      kind: 'azure',
      connection: {
        kind: 'identity',
        blobUrl: 'https://acct.blob.core.windows.net',
        tableUrl: 'https://acct.table.core.windows.net',
        clientId: '00000000-0000-4000-8000-00000000b07a',
      },
      blobContainer: 'helpdesk-state',
      tablePrefix: 'helpdesk',
      createResources: false,
    });
  });

  it('creates every table the backend checks for, and keeps no deleted or replaced blob', () => {
    const list = /for suffix in \[([^\]]*)\]/.exec(storage)?.[1] ?? '';
    expect([...list.matchAll(/'(\w+)'/g)].map((match) => match[1])).toEqual([...TABLE_SUFFIXES]);
    expect(storage).toContain("'Microsoft.Storage/storageAccounts/tableServices/tables@");
    expect(storage).toMatch(/deleteRetentionPolicy: \{\s*enabled: false/);
    expect(storage).toContain('isVersioningEnabled: false');
  });
});
