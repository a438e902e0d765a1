// Microsoft Graph application permissions for the managed identity. There is no portal screen for
// a managed identity's API permissions: app role assignments are the only way, and assigning one
// is the admin consent. Needs the deploying person to hold Privileged Role Administrator (or
// AppRoleAssignment.ReadWrite.All + Application.Read.All). grant-graph-permissions.sh does the same
// with az rest for people who cannot use the Bicep Graph extension.
extension microsoftGraphV1

param principalId string
@description('Graph application permission names (app role values), from graph-permissions.json.')
param permissions array

// Microsoft Graph's own service principal, present in every tenant.
resource graph 'Microsoft.Graph/servicePrincipals@v1.0' existing = {
  appId: '00000003-0000-0000-c000-000000000000'
}

resource grants 'Microsoft.Graph/appRoleAssignedTo@v1.0' = [
  for permission in permissions: {
    principalId: principalId
    resourceId: graph.id
    appRoleId: filter(graph.appRoles, role => role.value == permission && contains(role.allowedMemberTypes, 'Application'))[0].id
  }
]

output granted array = permissions
