// MFA phone helpdesk bot: everything one tenant needs in one resource group.
//
//   az deployment group create -g <group> -f deploy/azure/main.bicep -p deploy/azure/main.parameters.json \
//     -p auditKey="$(openssl rand -base64 48)"
//
// Storage: SQLite by default. The SQLite file lives under /home, App Service's persistent share,
// and the plan runs exactly ONE instance: SQLite is a single writer's file, and two instances on
// the same share would corrupt it or fight over the executor's leases. The Storage account and the
// identity's data-plane roles are provisioned anyway, so switching is a parameter change:
// storageBackend='azure' sets HELPDESK_STORAGE=azure and lets instanceCount go above 1.
targetScope = 'resourceGroup'

@minLength(3)
@maxLength(14)
@description('Prefix of every resource name (letters and digits).')
param baseName string = 'mfahelpdesk'
param location string = resourceGroup().location
param tags object = {
  app: 'mfa-phone-helpdesk-bot'
}

@description('Display name of the Azure Bot.')
param botDisplayName string = 'MFA Helpdesk'
@allowed(['F0', 'S1'])
param botSku string = 'F0'
@allowed(['NODE|20-lts', 'NODE|22-lts'])
param linuxFxVersion string = 'NODE|20-lts'
param appServiceSku string = 'B1'

@allowed(['sqlite', 'azure'])
@description('sqlite (one instance) or azure (Table + Blob storage with the managed identity; several instances).')
param storageBackend string = 'sqlite'
@minValue(1)
@maxValue(10)
@description('App Service instances; forced to 1 with storageBackend=sqlite.')
param instanceCount int = 1

@secure()
@description('HELPDESK_AUDIT_KEY, stored in Key Vault. No default on purpose: pass it at deployment.')
param auditKey string

@description('Tenants whose Teams activities the bot accepts (comma-separated).')
param allowedTenantIds string = subscription().tenantId
@description('Entra group whose members may approve resets.')
param approverGroupId string
@description('Entra group whose members may read transcripts and the audit trail.')
param reviewerGroupId string
@description('Conversation id of the approvals channel (19:…@thread.tacv2), see README.')
param approvalsChannelId string
@description('Channel (19:…@thread.tacv2) that hears of every executed reset. The bot refuses to start unless this or senderMailbox is set; this one is required here so a reset is always announced outside the request chat.')
param securityChannelId string
@description('Mailbox that sends "if this was not you" notices; empty: no mail, and no Mail.Send permission.')
param senderMailbox string = ''
param breakGlassUserIds string = ''
param helpdeskPhone string
param helpdeskEmail string
param helpdeskLocation string = ''
param officeHours string = 'Mon-Fri 09:00-18:00'
param timeZone string = 'Asia/Tokyo'
@allowed(['ja', 'en'])
param defaultLocale string = 'ja'

@description('Grant the Graph permissions here with the Bicep Graph extension. false: run grant-graph-permissions.sh instead.')
param grantGraphPermissions bool = true

var suffix = uniqueString(resourceGroup().id, baseName)
var sqliteBackend = storageBackend == 'sqlite'
var graphPermissions = loadJsonContent('graph-permissions.json')
var grantedPermissions = map(
  filter(graphPermissions, entry => !contains(entry, 'onlyWith') || !empty(senderMailbox)),
  entry => entry.permission
)

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    location: location
    name: '${baseName}-id'
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    baseName: baseName
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    name: take('${baseName}${suffix}', 24)
    tags: tags
    principalId: identity.outputs.principalId
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    name: take('${baseName}-kv-${suffix}', 24)
    tags: tags
    principalId: identity.outputs.principalId
    auditKey: auditKey
  }
}

module web 'modules/webapp.bicep' = {
  name: 'webapp'
  params: {
    location: location
    baseName: '${baseName}-${suffix}'
    tags: tags
    identityResourceId: identity.outputs.id
    linuxFxVersion: linuxFxVersion
    skuName: appServiceSku
    instanceCount: sqliteBackend ? 1 : instanceCount
    appSettings: [
      { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'true' }
      { name: 'WEBSITES_ENABLE_APP_SERVICE_STORAGE', value: 'true' }
      { name: 'PORT', value: '8080' }
      { name: 'LOG_LEVEL', value: 'info' }
      { name: 'HELPDESK_SANDBOX', value: 'false' }
      { name: 'MicrosoftAppType', value: 'UserAssignedMSI' }
      { name: 'MicrosoftAppId', value: identity.outputs.clientId }
      { name: 'MicrosoftAppTenantId', value: identity.outputs.tenantId }
      { name: 'HELPDESK_GRAPH_CREDENTIAL', value: 'managedIdentity' }
      { name: 'AZURE_CLIENT_ID', value: identity.outputs.clientId }
      { name: 'HELPDESK_ALLOWED_TENANT_IDS', value: allowedTenantIds }
      { name: 'HELPDESK_APPROVER_GROUP_ID', value: approverGroupId }
      { name: 'HELPDESK_REVIEWER_GROUP_ID', value: reviewerGroupId }
      { name: 'HELPDESK_APPROVALS_CHANNEL_ID', value: approvalsChannelId }
      { name: 'HELPDESK_SECURITY_CHANNEL_ID', value: securityChannelId }
      { name: 'HELPDESK_SENDER_MAILBOX', value: senderMailbox }
      { name: 'HELPDESK_BREAK_GLASS_USER_IDS', value: breakGlassUserIds }
      { name: 'HELPDESK_CONTACT_PHONE', value: helpdeskPhone }
      { name: 'HELPDESK_CONTACT_EMAIL', value: helpdeskEmail }
      { name: 'HELPDESK_CONTACT_LOCATION', value: helpdeskLocation }
      { name: 'HELPDESK_OFFICE_HOURS', value: officeHours }
      { name: 'HELPDESK_TIME_ZONE', value: timeZone }
      { name: 'HELPDESK_DEFAULT_LOCALE', value: defaultLocale }
      { name: 'HELPDESK_STORAGE', value: storageBackend }
      // /home is the persistent share that survives restarts and redeployments.
      { name: 'HELPDESK_SQLITE_PATH', value: '/home/data/helpdesk.sqlite' }
      // No account key (shared keys are off): the Azure backend authenticates with AZURE_CLIENT_ID.
      { name: 'HELPDESK_AZURE_BLOB_URL', value: storage.outputs.blobEndpoint }
      { name: 'HELPDESK_AZURE_TABLE_URL', value: storage.outputs.tableEndpoint }
      { name: 'HELPDESK_AZURE_BLOB_CONTAINER', value: storage.outputs.blobContainerName }
      { name: 'HELPDESK_AZURE_TABLE_PREFIX', value: storage.outputs.tablePrefix }
      { name: 'HELPDESK_AUDIT_KEY', value: '@Microsoft.KeyVault(SecretUri=${vault.outputs.auditKeySecretUri})' }
      { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: monitoring.outputs.connectionString }
    ]
  }
}

module bot 'modules/bot.bicep' = {
  name: 'bot'
  params: {
    name: '${baseName}-bot-${suffix}'
    displayName: botDisplayName
    endpoint: 'https://${web.outputs.defaultHostName}/api/messages'
    identityResourceId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    identityTenantId: identity.outputs.tenantId
    sku: botSku
    tags: tags
  }
}

module graph 'modules/graph-permissions.bicep' = if (grantGraphPermissions) {
  name: 'graph-permissions'
  params: {
    principalId: identity.outputs.principalId
    permissions: grantedPermissions
  }
}

@description('BOT_ID of env/.env.<name>: the Teams app manifest names the bot by this id.')
output botId string = identity.outputs.clientId
output identityPrincipalId string = identity.outputs.principalId
output webAppName string = web.outputs.name
output messagingEndpoint string = 'https://${web.outputs.defaultHostName}/api/messages'
output botName string = bot.outputs.name
output keyVaultName string = vault.outputs.name
output grantedGraphPermissions array = grantedPermissions
