import type { TokenCredential } from '@azure/identity';
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
} from '@azure/identity';

/**
 * How the app authenticates to Graph. The config module maps the Azure SDK's standard variables
 * onto this: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH,
 * AZURE_AUTHORITY_HOST (managed identity is the production default).
 */
export type GraphCredentialOptions =
  | { kind: 'managedIdentity'; clientId?: string }
  | { kind: 'clientSecret'; tenantId: string; clientId: string; clientSecret: string }
  | { kind: 'clientCertificate'; tenantId: string; clientId: string; certificatePath: string };

function isLoopback(authorityHost: string): boolean {
  const host = new URL(authorityHost).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

export function createCredential(options: GraphCredentialOptions, authorityHost?: string): TokenCredential {
  // Instance discovery asks login.microsoftonline.com whether the authority is known; a loopback
  // emulator never is, and the sandbox has no internet.
  const identityOptions =
    authorityHost === undefined ? {} : { authorityHost, disableInstanceDiscovery: isLoopback(authorityHost) };
  switch (options.kind) {
    case 'managedIdentity':
      return options.clientId === undefined
        ? new ManagedIdentityCredential()
        : new ManagedIdentityCredential({ clientId: options.clientId });
    case 'clientSecret':
      return new ClientSecretCredential(
        options.tenantId,
        options.clientId,
        options.clientSecret,
        identityOptions,
      );
    case 'clientCertificate':
      return new ClientCertificateCredential(
        options.tenantId,
        options.clientId,
        { certificatePath: options.certificatePath },
        identityOptions,
      );
  }
}
