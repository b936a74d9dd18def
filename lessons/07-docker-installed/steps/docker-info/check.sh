#!/bin/bash
expected="$(docker info -f '{{.Driver}}' 2>/dev/null)"
if [ -z "$expected" ]; then
  echo "The daemon does not answer right now: wait a moment and try again."
  exit 1
fi
answer="$(printf '%s' "${ANSWER:-}" | tr -d '[:space:]' | tr '[:upper:]' '[:lower:]')"
if [ "$answer" != "$expected" ]; then
  echo "Not quite: look for the Storage Driver line in docker info."
  exit 1
fi
echo "Right: your engine stacks layers with $expected."
