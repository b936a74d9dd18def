#!/bin/bash
if [ -n "$(docker inspect -f '{{.Name}}' registry 2>/dev/null)" ]; then
  echo "The first container, registry, still exists: docker rm -f registry (its data stays in regdata)."
  exit 1
fi
read -r running mount < <(docker inspect -f '{{.State.Running}} {{range .Mounts}}{{if eq .Name "regdata"}}{{.Destination}}{{end}}{{end}}' registry-2 2>/dev/null)
[ -n "$running" ] || { echo "registry is gone; now start registry-2 on the same volume: docker run -d -p 5000:5000 --name registry-2 -v regdata:/var/lib/registry registry:2"; exit 1; }
[ "$running" = true ] || { echo "registry-2 is not running: docker start registry-2 (docker logs registry-2 says why it stopped)."; exit 1; }
[ "$mount" = /var/lib/registry ] || { echo "registry-2 does not use the volume regdata at /var/lib/registry: docker rm -f registry-2 and run it again with -v regdata:/var/lib/registry."; exit 1; }
for _ in 1 2 3 4 5 6; do
  catalog="$(curl -fsS --max-time 2 http://localhost:5000/v2/_catalog 2>/dev/null)"
  if grep -q '"me/busybox"' <<<"$catalog" && grep -q '"me/hello"' <<<"$catalog"; then
    echo "Right: a new container, the same volume, the same images: $catalog"
    exit 0
  fi
  sleep 0.5
done
echo "registry-2 runs on regdata, but its catalog is ${catalog:-not answering}: does it publish port 5000?"
exit 1
