#!/usr/bin/env bash
# Grants the managed identity its Microsoft Graph application permissions with `az rest`, for
# people who cannot deploy with the Bicep Graph extension (main.bicep grantGraphPermissions=false).
# The list is graph-permissions.json, the same file main.bicep reads. Assigning an app role to a
# managed identity IS the admin consent; it needs Privileged Role Administrator (or a role holding
# AppRoleAssignment.ReadWrite.All and Application.Read.All). Needs az (logged in) and jq.
#
#   deploy/azure/grant-graph-permissions.sh <identity-principal-id> [--with-mail]
#
# <identity-principal-id>: the identityPrincipalId output of main.bicep.
# --with-mail: also Mail.Send (only when HELPDESK_SENDER_MAILBOX is set).
set -euo pipefail

usage() {
  echo "usage: $0 <identity-principal-id> [--with-mail]" >&2
  exit 2
}

principal_id="${1:-}"
[[ "$principal_id" =~ ^[0-9a-fA-F-]{36}$ ]] || usage
with_mail=no
if [[ $# -ge 2 ]]; then
  [[ "$2" == "--with-mail" ]] || usage
  with_mail=yes
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
graph="https://graph.microsoft.com/v1.0"
graph_app_id="00000003-0000-0000-c000-000000000000"

graph_sp="$(az rest --method GET --url "$graph/servicePrincipals(appId='$graph_app_id')?\$select=id,appRoles")"
graph_sp_id="$(jq -r '.id' <<<"$graph_sp")"
assigned="$(az rest --method GET --url "$graph/servicePrincipals/$principal_id/appRoleAssignments?\$select=appRoleId,resourceId")"

jq -r --arg mail "$with_mail" \
  '.[] | select((has("onlyWith") | not) or $mail == "yes") | .permission' \
  "$here/graph-permissions.json" |
  while read -r permission; do
    role_id="$(jq -r --arg value "$permission" \
      '.appRoles[] | select(.value == $value and (.allowedMemberTypes | index("Application"))) | .id' \
      <<<"$graph_sp")"
    if [[ -z "$role_id" ]]; then
      echo "Microsoft Graph has no application permission named $permission" >&2
      exit 1
    fi
    if jq -e --arg role "$role_id" --arg graph "$graph_sp_id" \
      '.value[] | select(.appRoleId == $role and .resourceId == $graph)' <<<"$assigned" >/dev/null; then
      echo "already granted: $permission"
      continue
    fi
    az rest --method POST --url "$graph/servicePrincipals/$principal_id/appRoleAssignments" \
      --headers "Content-Type=application/json" \
      --body "{\"principalId\":\"$principal_id\",\"resourceId\":\"$graph_sp_id\",\"appRoleId\":\"$role_id\"}" \
      >/dev/null
    echo "granted: $permission"
  done
