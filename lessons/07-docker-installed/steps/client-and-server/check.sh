#!/bin/bash
expected="$(docker version -f '{{.Server.Version}}' 2>/dev/null)"
if [ -z "$expected" ]; then
  echo "The daemon does not answer right now: wait a moment and try again."
  exit 1
fi
answer="$(printf '%s' "${ANSWER:-}" | tr -d '[:space:]')"
answer="${answer#v}"
if [ "$answer" = "$expected" ] || [ "$answer" = "${expected%%+*}" ]; then
  echo "Right: the daemon runs Docker Engine $expected."
  exit 0
fi
echo "Not quite: copy the Version line under Server: Docker Engine in docker version."
exit 1
