#!/bin/bash
net_id="$(docker network inspect -f '{{.Id}}' appnet 2>/dev/null)"
if [ -z "$net_id" ]; then
  echo "There is no network appnet yet: docker network create appnet"
  exit 1
fi
state="$(docker inspect -f '{{.State.Status}} {{.Id}} {{.Config.Image}}' backend 2>/dev/null)"
if [ -z "$state" ]; then
  echo "appnet exists; now start nginx on it: docker run -d --name backend --network appnet nginx"
  exit 1
fi
read -r status backend_id image <<<"$state"
case "$image" in
  nginx | nginx:* | docker.io/library/nginx*) ;;
  *) echo "backend runs $image, not nginx: docker rm -f backend, then run it again."; exit 1 ;;
esac
if [ "$status" != running ]; then
  echo "backend is $status: docker start backend"
  exit 1
fi
if ! docker inspect -f '{{range $net, $_ := .NetworkSettings.Networks}}{{$net}} {{end}}' backend 2>/dev/null | grep -qw appnet; then
  echo "backend is not on appnet: docker rm -f backend, then run it again with --network appnet."
  exit 1
fi
# The daemon's event log: which other containers joined appnet, and which containers exited 0?
now="$(date +%s.%N)"
joined="$(docker events --since 0 --until "$now" --filter type=network --filter event=connect --format '{{.Actor.ID}} {{index .Actor.Attributes "container"}}' 2>/dev/null |
  awk -v net="$net_id" -v backend="$backend_id" '$1 == net && $2 != backend { print $2 }' | sort -u)"
if [ -z "$joined" ]; then
  echo "backend runs on appnet; now fetch its page from a second container: docker run --rm --network appnet busybox wget -qO- http://backend"
  exit 1
fi
fine="$(docker events --since 0 --until "$now" --filter type=container --filter event=die --format '{{.ID}} {{index .Actor.Attributes "exitCode"}}' 2>/dev/null | awk '$2 == 0 { print $1 }' | sort -u)"
if [ -z "$(comm -12 <(printf '%s\n' "$joined") <(printf '%s\n' "$fine"))" ]; then
  echo "A second container joined appnet, but its wget did not succeed: docker run --rm --network appnet busybox wget -qO- http://backend"
  exit 1
fi
echo "A container on appnet reached backend by its name."
