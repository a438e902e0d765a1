/** Configuration pieces of the storage backends and the sandbox's loopback rule, apart so config.ts stays readable. */

/** Loopback hosts (a URL's `hostname` or a listen address): what a sandbox bot may talk to and listen on. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

export function isLoopbackUrl(value: string | undefined): boolean {
  if (value === undefined) return false;
  try {
    return isLoopbackHost(new URL(value).hostname);
  } catch {
    return false;
  }
}

/**
 * The Azure backend (HELPDESK_STORAGE=azure): Table and Blob storage of one account. Production uses
 * the account URLs with the managed identity (AZURE_CLIENT_ID names a user-assigned one); a
 * connection string with a key is for Azurite and other local set-ups.
 */
export interface AzureStorageConfig {
  kind: 'azure';
  connection:
    | { kind: 'identity'; blobUrl: string; tableUrl: string; clientId: string | undefined }
    | { kind: 'connectionString'; connectionString: string };
  blobContainer: string;
  /** Table names are this prefix plus `Ledger`, `Transcripts`, `References`, `Outcomes`, `Leases`. */
  tablePrefix: string;
  /**
   * Create missing tables and the container at start (HELPDESK_AZURE_CREATE_RESOURCES, for Azurite).
   * Off in production: deploy/azure creates them, and a wrong prefix or account must stop the bot
   * rather than start it on an empty audit chain.
   */
  createResources: boolean;
}

/** With HELPDESK_SANDBOX=true the connection string must name loopback endpoints (Azurite) only. */
export function azuriteConnectionProblems(connectionString: string): string[] {
  const problems: string[] = [];
  for (const part of connectionString.split(';')) {
    const [name, ...rest] = part.split('=');
    const value = rest.join('=');
    if (/^(Blob|Table|Queue|File)Endpoint$/i.test(name?.trim() ?? '') && !isLoopbackUrl(value)) {
      problems.push(
        `HELPDESK_AZURE_STORAGE_CONNECTION_STRING must name loopback endpoints (Azurite) with HELPDESK_SANDBOX=true (got ${name}=${value})`,
      );
    }
  }
  if (!/(Blob|Table)Endpoint=/i.test(connectionString)) {
    problems.push(
      'HELPDESK_AZURE_STORAGE_CONNECTION_STRING must name BlobEndpoint and TableEndpoint (Azurite) with HELPDESK_SANDBOX=true',
    );
  }
  return problems;
}
