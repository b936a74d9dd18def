#!/bin/bash
read -r status finished < <(docker inspect -f '{{.State.Status}} {{.State.FinishedAt}}' keeper 2>/dev/null)
[ -n "$status" ] || { echo "There is no container named keeper yet."; exit 1; }
[ "$status" = running ] || { echo "keeper is $status: start it (docker start keeper)."; exit 1; }
docker port keeper 2>/dev/null | grep -q ':8085$' || { echo "keeper does not publish port 8085: docker rm -f keeper and run it again with -p 8085:..."; exit 1; }
page="$(docker cp keeper:/www/index.html - 2>/dev/null | tar -xO 2>/dev/null)"
[ -n "$page" ] || { echo "keeper has no /www/index.html yet: write one with docker exec."; exit 1; }
case "$finished" in 0001-01-01*) echo "keeper has never been stopped: docker stop keeper, then docker start keeper."; exit 1 ;; esac
for _ in 1 2 3 4 5; do
  [ "$(curl -fsS --max-time 2 http://localhost:8085/ 2>/dev/null)" = "$page" ] && { echo "Right: keeper was stopped and started, and its page is still in its writable layer."; exit 0; }
  sleep 0.5
done
echo "localhost:8085 does not serve keeper's /www/index.html: does httpd serve /www on the port you published?"
exit 1
