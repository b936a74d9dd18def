#!/bin/bash
conf="$(docker image inspect -f '{{index .Config.Labels "org.opencontainers.image.version"}}|{{json .Config.Env}}' greeter:2.0 2>/dev/null)"
if [ -z "$conf" ]; then
  echo "There is no image greeter:2.0 yet: docker build --build-arg VERSION=2.0 -t greeter:2.0 . in ~/greeter"
  exit 1
fi
version="${conf%%|*}" env="${conf#*|}"
if [ "$version" != 2.0 ]; then
  echo "greeter:2.0 has the version label \"$version\": build it with --build-arg VERSION=2.0."
  exit 1
fi
if ! grep -q '"GREETING=' <<<"$env"; then
  echo "greeter:2.0 has no GREETING in its environment: add ENV GREETING=\"Hello\"."
  exit 1
fi
if grep -q '"VERSION=' <<<"$env"; then
  echo "VERSION is in greeter's environment: declare it with ARG, not ENV."
  exit 1
fi
echo "greeter:2.0 is labelled version 2.0 and has GREETING, but no VERSION, in its environment."
