#!/bin/bash
state="$(docker inspect -f '{{.State.Status}} {{.Config.Image}}' tinyweb 2>/dev/null)"
if [ -z "$state" ]; then
  echo "There is no container named tinyweb yet: docker run -d -p 8089:3000 --name tinyweb busybox httpd -f -p 3000 -h /www"
  exit 1
fi
read -r status image <<<"$state"
case "$image" in
  busybox | busybox:*) ;;
  *) echo "tinyweb runs $image, not busybox: docker rm -f tinyweb, then run it again."; exit 1 ;;
esac
if [ "$status" != running ]; then
  echo "tinyweb is $status: docker logs tinyweb says why; docker rm -f tinyweb, then run it again (with -f, httpd stays in the foreground)."
  exit 1
fi
if ! docker port tinyweb 3000/tcp 2>/dev/null | grep -q ':8089$'; then
  published="$(docker port tinyweb 2>/dev/null | head -n 1)"
  echo "tinyweb publishes ${published:-no port}, but needs 8089 -> 3000, where httpd listens: docker rm -f tinyweb, then run it again with -p 8089:3000."
  exit 1
fi
for _ in 1 2 3 4 5; do
  if curl -fsS --max-time 2 -o /dev/null http://localhost:8089/ 2>/dev/null; then
    echo "httpd listens on 3000 in tinyweb, and port 8089 of your sandbox leads there."
    exit 0
  fi
  sleep 0.5
done
echo "Port 8089 leads to port 3000 in tinyweb, but nothing answers there: does httpd run with -p 3000 -h /www?"
exit 1
