#!/bin/bash
expected="$(docker inspect -f '{{.NetworkSettings.IPAddress}}' web 2>/dev/null)"
if [ -z "$expected" ]; then
  echo "The web container is not running, so it has no address: docker start web"
  exit 1
fi
answer="$(printf '%s' "${ANSWER:-}" | tr -d '[:space:]')"
if [ "$answer" != "$expected" ]; then
  echo "Not quite: find \"IPAddress\" under \"NetworkSettings\" in docker inspect web."
  exit 1
fi
echo "Right: web is $expected on Docker's bridge network."
