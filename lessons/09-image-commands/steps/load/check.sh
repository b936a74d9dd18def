#!/bin/bash
f=/home/ubuntu/myimage.tar
[ -s "$f" ] || { echo "~/myimage.tar is gone: there is nothing to load (docker save it first, a step back)."; exit 1; }
saved="$(tar -xOf "$f" manifest.json 2>/dev/null | grep -o '"Config":"[0-9a-f]*\.json"' | head -n 1 | grep -o '[0-9a-f]\{64\}')"
[ -n "$saved" ] || { echo "~/myimage.tar is not an archive from docker save."; exit 1; }
id="$(docker image inspect -f '{{.Id}}' myimage:v1 2>/dev/null)"
[ -n "$id" ] || { echo "There is no myimage:v1 yet: docker load -i ~/myimage.tar"; exit 1; }
[ "$id" = "sha256:$saved" ] || { echo "myimage:v1 is another image than the one in ~/myimage.tar: docker rmi myimage:v1, then docker load -i ~/myimage.tar"; exit 1; }
echo "Right: myimage:v1 is back from the file, with the same ID ($saved)."
