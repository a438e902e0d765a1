// The one identity of the deployment: the bot's Bot Framework identity (msaAppType
// UserAssignedMSI), the Graph caller, the Key Vault reader and the storage data user.
param location string
param name string
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
output tenantId string = identity.properties.tenantId
