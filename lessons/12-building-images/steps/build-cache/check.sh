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
# Build steps both images took from the cache: identical history entries (time and instruction)
# above busybox's. Works for the classic builder and for BuildKit alike.
steps() { docker history --no-trunc --format '{{.CreatedAt}}|{{.CreatedBy}}' "$1" | tac; }
skip="$(steps busybox | wc -l)"
shared=0
while IFS= read -r pair; do
  [ "${pair%%$'\t'*}" = "${pair#*$'\t'}" ] || break
  shared=$((shared + 1))
done < <(paste <(steps hello-app:v1 | tail -n +"$((skip + 1))") <(steps hello-app:latest | tail -n +"$((skip + 1))"))
if [ "$shared" -eq 0 ]; then
  echo "hello-app and hello-app:v1 share no build step above busybox: was one built with --no-cache, or does your Dockerfile copy hello.sh first? Put WORKDIR before COPY, tag v1 again, change hello.sh and rebuild."
  exit 1
fi
echo "The new hello-app reused $shared cached step(s) of v1 and rebuilt the rest."
