#!/bin/bash
want="$(docker image inspect -f '{{.Id}}' web-app:v2 2>/dev/null)"
[ -n "$want" ] || { echo "There is no image web-app:v2 yet."; exit 1; }
read -r status image health < <(docker inspect -f '{{.State.Status}} {{.Image}} {{if .State.Health}}{{.State.Health.Status}}{{end}}' web-app-2 2>/dev/null)
[ -n "$status" ] || { echo "web-app:v2 is built; now run it as web-app-2 on port 8082."; exit 1; }
[ "$image" = "$want" ] || { echo "web-app-2 does not run web-app:v2: docker rm -f web-app-2 and run it again."; exit 1; }
[ "$status" = running ] || { echo "web-app-2 is $status: docker logs web-app-2 tells why."; exit 1; }
[ "$health" = healthy ] || { echo "web-app-2 is not healthy yet (${health:-no health check}): wait, or check its HEALTHCHECK."; exit 1; }
docker port web-app-2 2>/dev/null | grep -q ':8082$' || { echo "web-app-2 does not publish port 8082."; exit 1; }
curl -fsS --max-time 3 -o /dev/null http://localhost:8082/about.html 2>/dev/null || { echo "localhost:8082/about.html does not answer: is about.html in the image, next to index.html?"; exit 1; }
echo "Right: web-app:v2 runs healthy as web-app-2 and serves /about.html on port 8082."
