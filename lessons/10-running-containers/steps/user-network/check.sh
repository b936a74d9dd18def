#!/bin/bash
read -r subnet gateway < <(docker network inspect -f '{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}' appnet 2>/dev/null)
if [ -z "$subnet" ]; then
  echo "There is no network appnet yet: docker network create appnet"
  exit 1
fi
state="$(docker inspect -f '{{.State.Status}} {{.Config.Image}}' backend 2>/dev/null)"
if [ -z "$state" ]; then
  echo "appnet exists; now start nginx on it: docker run -d --name backend --network appnet nginx"
  exit 1
fi
read -r status image <<<"$state"
case "$image" in
  nginx | nginx:* | docker.io/library/nginx*) ;;
  *) echo "backend runs $image, not nginx: docker rm -f backend, then run it again."; exit 1 ;;
esac
if [ "$status" != running ]; then
  echo "backend is $status: docker start backend"
  exit 1
fi
own="$(docker inspect -f '{{with index .NetworkSettings.Networks "appnet"}}{{.IPAddress}}{{end}}' backend 2>/dev/null)"
if [ -z "$own" ]; then
  echo "backend is not on appnet: docker rm -f backend, then run it again with --network appnet (or docker network connect appnet backend)."
  exit 1
fi
# nginx logs every request with the client's address: one from another container on appnet,
# answered with 200, is what a wget from a second container on the same network leaves.
ip2int() { local IFS=.; read -r a b c d <<<"$1"; echo $(((a << 24) + (b << 16) + (c << 8) + d)); }
net="${subnet%/*}" bits="${subnet#*/}"
mask=$(((0xFFFFFFFF << (32 - bits)) & 0xFFFFFFFF))
while read -r client code; do
  [[ "$client" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || continue
  [ "$client" != "$gateway" ] && [ "$client" != "$own" ] && [ "$code" = 200 ] || continue
  if [ $(($(ip2int "$client") & mask)) = $(($(ip2int "$net") & mask)) ]; then
    echo "A container on appnet ($client) fetched backend's page: nginx's log has the request."
    exit 0
  fi
done < <(docker logs backend 2>/dev/null | awk '$6 ~ /"(GET|HEAD)/ { print $1, $9 }')
echo "backend runs on appnet, but no other container on appnet has fetched its page yet: docker run --rm --network appnet busybox wget -qO- http://backend"
exit 1
