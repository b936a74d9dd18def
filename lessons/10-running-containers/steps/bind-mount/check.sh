#!/bin/bash
page=/home/ubuntu/site/index.html
if [ ! -s "$page" ]; then
  echo "There is no ~/site/index.html yet: mkdir -p ~/site, then write your page into it."
  exit 1
fi
state="$(docker inspect -f '{{.State.Status}} {{.Config.Image}}' mysite 2>/dev/null)"
if [ -z "$state" ]; then
  echo "There is no container named mysite yet: docker run -d -p 8088:80 --name mysite -v ~/site:/usr/share/nginx/html:ro nginx"
  exit 1
fi
read -r status image <<<"$state"
case "$image" in
  nginx | nginx:* | docker.io/library/nginx*) ;;
  *) echo "mysite runs $image, not nginx: docker rm -f mysite, then run it again."; exit 1 ;;
esac
target="$(docker inspect -f '{{range .Mounts}}{{if eq .Source "/home/ubuntu/site"}}{{.Destination}}{{end}}{{end}}' mysite 2>/dev/null)"
if [ -z "$target" ]; then
  echo "mysite does not mount ~/site: docker rm -f mysite, then run it again with -v ~/site:/usr/share/nginx/html:ro"
  exit 1
fi
if [ "$target" != /usr/share/nginx/html ]; then
  echo "mysite mounts ~/site at $target, but nginx serves /usr/share/nginx/html: docker rm -f mysite, then run it again with -v ~/site:/usr/share/nginx/html:ro"
  exit 1
fi
if [ "$status" = created ]; then
  echo "mysite was created but could not start: is port 8088 still taken by nginxwebserver? docker rm -f nginxwebserver mysite, then run mysite again."
  exit 1
elif [ "$status" != running ]; then
  echo "mysite is $status: docker start mysite"
  exit 1
fi
if ! docker port mysite 80/tcp 2>/dev/null | grep -q ':8088$'; then
  echo "mysite does not publish port 80 on 8088: docker rm -f mysite, then run it again with -p 8088:80."
  exit 1
fi
for _ in 1 2 3 4 5; do
  if [ "$(curl -fsS --max-time 2 http://localhost:8088/ 2>/dev/null)" = "$(cat "$page")" ]; then
    echo "mysite serves your own ~/site/index.html on port 8088."
    exit 0
  fi
  sleep 0.5
done
echo "localhost:8088 does not answer with your ~/site/index.html yet: wait a moment and check again (docker logs mysite)."
exit 1
