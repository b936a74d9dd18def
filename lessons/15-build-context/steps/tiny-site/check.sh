#!/bin/bash
layers="$(docker image inspect -f '{{range .RootFS.Layers}}{{.}} {{end}}' tinysite 2>/dev/null)"
[ -n "$layers" ] || { echo "There is no image tinysite yet."; exit 1; }
for l in $(docker image inspect -f '{{range .RootFS.Layers}}{{.}} {{end}}' busybox); do
  case " $layers " in *" $l "*) echo "The image tinysite is built on busybox's image: build it FROM scratch."; exit 1 ;; esac
done
read -r status image < <(docker inspect -f '{{.State.Status}} {{.Image}}' tinysite 2>/dev/null)
[ -n "$status" ] || { echo "The image tinysite is built; now run it as a container named tinysite on port 8093."; exit 1; }
[ "$image" = "$(docker image inspect -f '{{.Id}}' tinysite)" ] || { echo "The container tinysite does not run the image tinysite: docker rm -f tinysite and run it again."; exit 1; }
[ "$status" = running ] || { echo "tinysite is $status: does its httpd stay in the foreground (-f)? docker logs tinysite"; exit 1; }
docker port tinysite 2>/dev/null | grep -q ':8093$' || { echo "tinysite does not publish port 8093."; exit 1; }
for _ in 1 2 3 4 5; do
  curl -fsS --max-time 2 -o /dev/null http://localhost:8093/ 2>/dev/null && { echo "Right: a web server in an image built from nothing, on port 8093."; exit 0; }
  sleep 0.5
done
echo "localhost:8093 does not answer with a page: does httpd serve the directory where index.html is, on the port you published?"
exit 1
