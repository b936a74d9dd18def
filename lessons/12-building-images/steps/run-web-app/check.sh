#!/bin/bash
state="$(docker inspect -f '{{.State.Status}} {{.Image}} {{if .State.Health}}{{.State.Health.Status}}{{end}}' web-app 2>/dev/null)"
if [ -z "$state" ]; then
  echo "There is no container named web-app yet: docker run -d --name web-app -p 8081:8080 web-app"
  exit 1
fi
read -r status image health <<<"$state"
want="$(docker image inspect -f '{{.Id}}' web-app:latest 2>/dev/null)"
[ -n "$want" ] || { echo "There is no image web-app: build it first (previous step)."; exit 1; }
[ "$image" = "$want" ] || { echo "The container web-app does not run the image web-app (web-app:latest): docker rm -f web-app, then run it again."; exit 1; }
[ "$status" = running ] || { echo "web-app is $status: docker logs web-app tells why; docker start web-app tries again."; exit 1; }
case "$health" in
  healthy) ;;
  starting) echo "web-app's health check has not passed yet: wait a few seconds, then docker ps."; exit 1 ;;
  "") echo "web-app has no health check: rebuild the image from the previous step and run it again."; exit 1 ;;
  *) echo "web-app is $health: docker inspect -f '{{json .State.Health}}' web-app shows the check's output."; exit 1 ;;
esac
if ! curl -fsS --max-time 3 -o /dev/null http://localhost:8081/ 2>/dev/null; then
  echo "Nothing answers on localhost:8081: publish the port with -p 8081:8080."
  exit 1
fi
echo "web-app is healthy and serves its page on port 8081."
