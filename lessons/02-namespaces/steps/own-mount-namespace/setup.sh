#!/bin/bash
# A process with a mount namespace of its own and nothing else new (idempotent).
if ! pgrep -f '^sleep 86401' >/dev/null; then
  setsid unshare --mount --propagation private sleep 86401 </dev/null >/dev/null 2>&1 &
  sleep 0.2
fi
