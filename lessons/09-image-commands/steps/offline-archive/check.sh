#!/bin/bash
f=/home/ubuntu/offline-images.tar
[ -s "$f" ] || { echo "~/offline-images.tar does not exist yet."; exit 1; }
manifest="$(tar -xOf "$f" manifest.json 2>/dev/null)"
[ -n "$manifest" ] || { echo "~/offline-images.tar is not an archive from docker save (no manifest.json)."; exit 1; }
for img in busybox hello-world; do
  id="$(docker image inspect -f '{{.Id}}' "$img:latest" 2>/dev/null)"
  [ -n "$id" ] || { echo "$img is gone from your engine! Load it again: docker load -i /opt/container-playground/images/$img.tar"; exit 1; }
  grep -q "\"${id#sha256:}.json\"" <<<"$manifest" || { echo "~/offline-images.tar does not hold $img."; exit 1; }
  grep -q "\"$img:latest\"" <<<"$manifest" || { echo "~/offline-images.tar holds $img, but not its name: save it by name."; exit 1; }
done
echo "Right: one archive with busybox and hello-world, names included: docker load -i restores both."
