// App Service on Linux running `node dist/src/index.js` (built by Oryx from the zip `npm run deploy` sends).
param location string
param baseName string
param tags object = {}
param identityResourceId string
@allowed(['NODE|20-lts', 'NODE|22-lts'])
param linuxFxVersion string = 'NODE|20-lts'
@description('B1 or larger: alwaysOn is not available on the Free and Shared plans.')
param skuName string = 'B1'
@description('Instances. Must stay 1 while HELPDESK_STORAGE=sqlite: the SQLite file on /home is one writer\'s file.')
@minValue(1)
param instanceCount int = 1
@description('Every setting `npm start` reads (see .env.example). Key Vault references resolve with the identity.')
param appSettings array

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${baseName}-plan'
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: skuName
    capacity: instanceCount
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2023-12-01' = {
  name: '${baseName}-app'
  location: location
  tags: tags
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityResourceId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    // Key Vault references resolve with this identity (the site has no system-assigned one).
    keyVaultReferenceIdentity: identityResourceId
    siteConfig: {
      linuxFxVersion: linuxFxVersion
      // The same command as `npm start` (package.json; README, "Memory", says why these flags).
      appCommandLine: 'node --max-semi-space-size=2 --max-old-space-size=160 dist/src/index.js'
      alwaysOn: true
      // App Service takes an instance out of rotation (and restarts it) while this fails.
      healthCheckPath: '/readyz'
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      http20Enabled: true
      appSettings: appSettings
    }
  }
}

// No FTP publishing credentials at all; deployments go through `az webapp deploy` with Entra ID.
resource ftp 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2023-12-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
