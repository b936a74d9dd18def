#!/bin/bash
accept='Accept: application/vnd.docker.distribution.manifest.v2+json'
digest="$(curl -fsSI --max-time 3 -H "$accept" http://localhost:5000/v2/team/tool/manifests/1.0 2>/dev/null | awk -F': ' 'tolower($1) == "docker-content-digest" { print $2 }' | tr -d '\r')"
[ -n "$digest" ] || { echo "Your registry has no team/tool:1.0 yet (is it running on localhost:5000?)."; exit 1; }
image="$(docker inspect -f '{{.Config.Image}}' from-digest 2>/dev/null)"
[ -n "$image" ] || { echo "team/tool:1.0 is in the registry; now run a container named from-digest from it, by digest."; exit 1; }
case "$image" in
  localhost:5000/team/tool@"$digest") echo "Right: from-digest runs exactly the content behind $digest." ;;
  *@sha256:*) echo "from-digest runs $image, not localhost:5000/team/tool@$digest."; exit 1 ;;
  *) echo "from-digest was started from $image, a tag: docker rm from-digest, then run it by digest (localhost:5000/team/tool@sha256:...)."; exit 1 ;;
esac
