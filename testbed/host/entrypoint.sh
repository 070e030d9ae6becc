#!/bin/sh
# Host keys are made per host; the deployer's public key comes from AUTHORIZED_KEY.
set -eu
ssh-keygen -A >/dev/null
if [ -n "${AUTHORIZED_KEY:-}" ]; then
  printf '%s\n' "$AUTHORIZED_KEY" > /root/.ssh/authorized_keys
  chmod 600 /root/.ssh/authorized_keys
fi
exec "$@"
