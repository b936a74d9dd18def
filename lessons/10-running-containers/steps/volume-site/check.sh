#!/bin/bash
dir="$(docker volume inspect -f '{{.Mountpoint}}' webdata 2>/dev/null)"
[ -n "$dir" ] || { echo "There is no volume named webdata yet."; exit 1; }
[ -s "$dir/index.html" ] || { echo "The volume webdata holds no index.html yet: write one from a container that mounts it."; exit 1; }
read -r status image < <(docker inspect -f '{{.State.Status}} {{.Config.Image}}' volsite 2>/dev/null)
[ -n "$status" ] || { echo "webdata is ready; now run nginx as volsite with it."; exit 1; }
case "$image" in nginx | nginx:* | docker.io/library/nginx*) ;; *) echo "volsite runs $image, not nginx."; exit 1 ;; esac
[ "$status" = running ] || { echo "volsite is $status: is port 8092 free? (docker logs volsite)"; exit 1; }
mount="$(docker inspect -f '{{range .Mounts}}{{if eq .Name "webdata"}}{{.Destination}} {{.RW}}{{end}}{{end}}' volsite)"
[ -n "$mount" ] || { echo "volsite does not mount the volume webdata: docker rm -f volsite, then run it again with -v webdata:..."; exit 1; }
[ "${mount% *}" = /usr/share/nginx/html ] || { echo "volsite mounts webdata at ${mount% *}, but nginx serves /usr/share/nginx/html."; exit 1; }
[ "${mount#* }" = false ] || { echo "volsite mounts webdata read-write: add :ro."; exit 1; }
docker port volsite 80/tcp 2>/dev/null | grep -q ':8092$' || { echo "volsite does not publish port 80 on 8092."; exit 1; }
for _ in 1 2 3 4 5; do
  [ "$(curl -fsS --max-time 2 http://localhost:8092/ 2>/dev/null)" = "$(cat "$dir/index.html")" ] && { echo "Right: volsite serves the index.html from the volume webdata, read-only, on port 8092."; exit 0; }
  sleep 0.5
done
echo "localhost:8092 does not answer with webdata's index.html yet: wait a moment (docker logs volsite)."
exit 1
