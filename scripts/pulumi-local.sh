#!/usr/bin/env bash
# Runs the Pulumi CLI for this project with state kept on this machine and no Pulumi account:
# the state lives in .pulumi/ next to this script's project unless PULUMI_BACKEND_URL says
# otherwise, and the stack (default "dev", or $DEBUGNET_STACK) is created on first use.
#
#   scripts/pulumi-local.sh up            scripts/pulumi-local.sh destroy
#   scripts/pulumi-local.sh stack output --json
set -euo pipefail

project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$project_dir"

if ! command -v pulumi >/dev/null; then
  echo "pulumi: command not found; see https://www.pulumi.com/docs/install/" >&2
  exit 127
fi

mkdir -p .pulumi
export PULUMI_BACKEND_URL=${PULUMI_BACKEND_URL:-file://$project_dir/.pulumi}
# Node keys are encrypted with a passphrase; unless one is given (or a file holding it), an empty
# one keeps a local network hands-free.
if [[ -z ${PULUMI_CONFIG_PASSPHRASE+set} && -z ${PULUMI_CONFIG_PASSPHRASE_FILE:-} ]]; then
  export PULUMI_CONFIG_PASSPHRASE=""
fi
stack=${DEBUGNET_STACK:-dev}

if [[ ! -d node_modules ]]; then
  npm ci
fi
pulumi stack select --create "$stack" >/dev/null
exec pulumi "$@"
