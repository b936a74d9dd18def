#!/bin/bash
repo=localhost:5000/me/busybox
accept='Accept: application/vnd.docker.distribution.manifest.v2+json'
digest="$(curl -fsSI --max-time 3 -H "$accept" http://localhost:5000/v2/me/busybox/manifests/v1 2>/dev/null | awk -F': ' 'tolower($1) == "docker-content-digest" { print $2 }' | tr -d '\r')"
[ -n "$digest" ] || { echo "Your registry has no me/busybox:v1 (or does not answer): push it again (previous step)."; exit 1; }
if docker image inspect "$repo:v1" >/dev/null 2>&1; then
  echo "$repo:v1 is still here under its tag: remove the tag (docker rmi $repo:v1), then pull by digest."
  exit 1
fi
# Pulled by digest: the image carries the registry's digest, and no tag of that repository.
if docker images --digests --format '{{.Repository}} {{.Digest}}' | grep -qx "$repo $digest"; then
  echo "Right: $repo@$digest is here, by digest only: exactly the content the registry holds."
  exit 0
fi
echo "There is no image $repo@$digest yet: docker pull $repo@$digest"
exit 1
