#!/bin/bash
f=/home/ubuntu/myimage.tar
id="$(docker image inspect -f '{{.Id}}' myimage:v1 2>/dev/null)"
[ -n "$id" ] || { echo "myimage:v1 is missing: reload the lesson to build it again."; exit 1; }
[ -s "$f" ] || { echo "~/myimage.tar does not exist yet: docker save -o ~/myimage.tar myimage:v1"; exit 1; }
manifest="$(tar -xOf "$f" manifest.json 2>/dev/null)"
[ -n "$manifest" ] || { echo "~/myimage.tar is not an archive from docker save (no manifest.json)."; exit 1; }
grep -q "\"${id#sha256:}.json\"" <<<"$manifest" || { echo "~/myimage.tar does not hold the image myimage:v1 points at now: save it again."; exit 1; }
grep -q '"myimage:v1"' <<<"$manifest" || { echo "~/myimage.tar holds the image, but not its name: save it by name (myimage:v1), not by ID."; exit 1; }
echo "Right: ~/myimage.tar holds myimage:v1 (${id:7:12}) with its name and layers."
