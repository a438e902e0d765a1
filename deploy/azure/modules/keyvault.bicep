// The audit key lives here; the web app reads it through a Key Vault reference with the identity.
param location string
param name string
param tags object = {}
param principalId string
@secure()
@minLength(32)
@description('HELPDESK_AUDIT_KEY: 32 characters or more. Generate it once (openssl rand -base64 48) and keep it: changing it breaks verification of the existing audit chain.')
param auditKey string

var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
  }
}

resource auditKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'helpdesk-audit-key'
  properties: {
    value: auditKey
    contentType: 'HMAC key of the audit chain'
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, principalId, keyVaultSecretsUser)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}

// Without a version, so a rotated secret is picked up when the app restarts.
output auditKeySecretUri string = '${vault.properties.vaultUri}secrets/${auditKeySecret.name}'
output name string = vault.name
