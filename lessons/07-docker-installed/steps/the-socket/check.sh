#!/bin/bash
expected="$(stat -c %G /var/run/docker.sock 2>/dev/null)"
if [ -z "$expected" ]; then
  echo "The socket /var/run/docker.sock is missing: is the daemon running?"
  exit 1
fi
answer="$(printf '%s' "${ANSWER:-}" | tr -d '[:space:]')"
if [ "$answer" != "$expected" ]; then
  echo "Not quite: in ls -l, the group is the column after the owner (root)."
  exit 1
fi
echo "Right: root and the members of $expected may talk to the daemon."
