#!/bin/bash
state="$(docker inspect -f '{{.State.Running}} {{.Config.Image}}' registry 2>/dev/null)"
if [ -z "$state" ]; then
  echo "There is no container named registry yet: docker run -d -p 5000:5000 --name registry -v regdata:/var/lib/registry registry:2"
  exit 1
fi
read -r running image <<<"$state"
case "$image" in
  registry | registry:* | docker.io/library/registry*) ;;
  *) echo "The container registry runs $image, not registry:2: docker rm -f registry, then run it again."; exit 1 ;;
esac
if [ "$running" != true ]; then
  echo "The container registry is not running: docker start registry (docker logs registry says why it stopped)."
  exit 1
fi
if [ "$(docker inspect -f '{{range .Mounts}}{{if eq .Name "regdata"}}{{.Destination}}{{end}}{{end}}' registry)" != /var/lib/registry ]; then
  echo "registry does not keep its data in the volume regdata: docker rm -f registry, then run it again with -v regdata:/var/lib/registry."
  exit 1
fi
if ! docker port registry 5000/tcp 2>/dev/null | grep -q ':5000$'; then
  echo "registry does not publish port 5000: docker rm -f registry, then run it again with -p 5000:5000."
  exit 1
fi
for _ in 1 2 3 4 5; do
  if curl -fsS --max-time 2 http://localhost:5000/v2/ >/dev/null 2>&1; then
    echo "Your registry answers on localhost:5000, with its data in regdata."
    exit 0
  fi
  sleep 0.5
done
echo "Nothing answers on localhost:5000/v2/ yet: wait a moment and check again (docker logs registry)."
exit 1
