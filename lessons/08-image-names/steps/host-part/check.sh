#!/bin/bash
answer="$(printf '%s' "${ANSWER:-}" | tr -d '[:space:]' | tr '[:upper:]' '[:lower:]')"
answer="${answer#http://}" answer="${answer#https://}" answer="${answer%/}"
case "$answer" in
  localhost:5000) echo "Right: the first part has a colon, so it is a host: localhost, port 5000."; exit 0 ;;
  localhost) echo "Almost: the port after the colon belongs to the host part too." ;;
  localhost:5000/me*) echo "Almost: the host is only what comes before the first slash." ;;
  docker.io | index.docker.io | registry-1.docker.io) echo "Not here: the first part contains a colon, so Docker reads it as a host, not as a Docker Hub user." ;;
  me) echo "me is the USER, the account; the HOST comes before it." ;;
  127.0.0.1:5000) echo "That is where localhost leads, but the question asks for the host part as it is written in the name." ;;
  *) echo "Not quite: the HOST is the part before the first /, when it has a dot or a colon, or is localhost." ;;
esac
exit 1
