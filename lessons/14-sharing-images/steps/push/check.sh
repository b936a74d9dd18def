#!/bin/bash
if ! curl -fsS --max-time 3 http://localhost:5000/v2/ >/dev/null 2>&1; then
  echo "Your registry does not answer on localhost:5000: is the container registry running (docker ps)?"
  exit 1
fi
tags="$(curl -fsS --max-time 3 http://localhost:5000/v2/me/busybox/tags/list 2>/dev/null)"
if grep -q '"v1"' <<<"$tags"; then
  echo "Your registry holds me/busybox:v1."
  exit 0
fi
if docker image inspect localhost:5000/me/busybox:v1 >/dev/null 2>&1; then
  echo "localhost:5000/me/busybox:v1 is tagged but not in the registry yet: docker push localhost:5000/me/busybox:v1"
else
  echo "Give busybox a name on your registry first: docker tag busybox localhost:5000/me/busybox:v1"
fi
exit 1
