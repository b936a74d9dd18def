#!/bin/bash
state="$(docker inspect -f '{{.State.Status}} {{.Config.Image}}' nginxwebserver 2>/dev/null)"
if [ -z "$state" ]; then
  echo "There is no container named nginxwebserver yet: docker run -d -p 8088:80 --name nginxwebserver nginx"
  exit 1
fi
read -r status image <<<"$state"
case "$image" in
  nginx | nginx:* | docker.io/library/nginx*) ;;
  *) echo "nginxwebserver runs $image, not nginx: docker rm -f nginxwebserver, then run it again."; exit 1 ;;
esac
if [ "$status" = created ]; then
  echo "nginxwebserver was created but could not start (port 8088 taken?): docker rm -f nginxwebserver, then run it again."
  exit 1
elif [ "$status" != running ]; then
  echo "nginxwebserver is $status: docker start nginxwebserver"
  exit 1
fi
if ! docker port nginxwebserver 80/tcp 2>/dev/null | grep -q ':8088$'; then
  published="$(docker port nginxwebserver 2>/dev/null | head -n 1)"
  echo "nginxwebserver publishes ${published:-no port}, not 8088 -> 80: docker rm -f nginxwebserver, then run it again with -p 8088:80."
  exit 1
fi
for _ in 1 2 3 4 5; do
  if curl -fsS --max-time 2 http://localhost:8088/ 2>/dev/null | grep -q 'Welcome to nginx'; then
    echo "nginxwebserver serves the welcome page on port 8088 of your sandbox."
    exit 0
  fi
  sleep 0.5
done
echo "No welcome page on localhost:8088 yet: wait a moment and check again (docker logs nginxwebserver)."
exit 1
