#!/bin/bash
catalog="$(curl -fsS --max-time 3 http://localhost:5000/v2/_catalog 2>/dev/null)"
if [ -z "$catalog" ]; then
  echo "Your registry does not answer on localhost:5000: is the container registry running (docker ps)?"
  exit 1
fi
if ! grep -q '"me/hello"' <<<"$catalog" || ! curl -fsS --max-time 3 http://localhost:5000/v2/me/hello/tags/list 2>/dev/null | grep -q '"v1"'; then
  if docker image inspect localhost:5000/me/hello:v1 >/dev/null 2>&1; then
    echo "localhost:5000/me/hello:v1 is tagged but not in the registry yet: docker push localhost:5000/me/hello:v1"
  else
    echo "The catalog has no me/hello:v1 yet: docker tag hello-world localhost:5000/me/hello:v1, then push it."
  fi
  exit 1
fi
if ! grep -q '"me/busybox"' <<<"$catalog"; then
  echo "me/busybox is missing from the catalog: tag busybox as localhost:5000/me/busybox:v1 and push it again."
  exit 1
fi
echo "Your registry's catalog: $catalog"
