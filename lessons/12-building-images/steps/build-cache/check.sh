#!/bin/bash
v1="$(docker image inspect -f '{{.Id}}' hello-app:v1 2>/dev/null)"
latest="$(docker image inspect -f '{{.Id}}' hello-app:latest 2>/dev/null)"
if [ -z "$v1" ]; then
  echo "There is no hello-app:v1 yet: docker tag hello-app hello-app:v1 (before you change hello.sh)."
  exit 1
fi
if [ -z "$latest" ]; then
  echo "There is no hello-app:latest: build it again with docker build -t hello-app ."
  exit 1
fi
if [ "$v1" = "$latest" ]; then
  echo "hello-app is still the same image as hello-app:v1: change hello.sh, then build again."
  exit 1
fi
# Build steps that both images took from the cache (intermediate images above busybox).
shared="$(comm -12 <(docker history -q hello-app:v1 | grep -v missing | sort) <(docker history -q hello-app:latest | grep -v missing | sort) |
  grep -vxF -f <(docker history -q busybox | grep -v missing) | wc -l)"
if [ "$shared" -eq 0 ]; then
  echo "hello-app and hello-app:v1 share no build step: was one built with --no-cache? Tag v1 again, change hello.sh and rebuild."
  exit 1
fi
echo "The new hello-app reused $shared cached step(s) of v1 and rebuilt the rest."
