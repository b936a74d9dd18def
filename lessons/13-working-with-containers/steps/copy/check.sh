#!/bin/bash
[ "$(docker inspect -f '{{.State.Running}}' pages 2>/dev/null)" = true ] || { echo "There is no running container named pages: docker run -d --name pages -p 8083:80 busybox httpd -f -vv -p 80 -h /www"; exit 1; }
mine=/home/ubuntu/index.html
[ -s "$mine" ] || { echo "There is no ~/index.html to copy in yet."; exit 1; }
inside="$(docker cp pages:/www/index.html - 2>/dev/null | tar -xO 2>/dev/null)"
[ -n "$inside" ] || { echo "pages has no /www/index.html yet: docker cp ~/index.html pages:/www/index.html"; exit 1; }
[ "$inside" = "$(cat "$mine")" ] || { echo "pages's /www/index.html differs from your ~/index.html: copy it in again."; exit 1; }
out=/home/ubuntu/pages-hostname.txt
[ -s "$out" ] || { echo "Copied in; now copy out: docker cp pages:/etc/hostname ~/pages-hostname.txt"; exit 1; }
[ "$(cat "$out")" = "$(docker cp pages:/etc/hostname - 2>/dev/null | tar -xO 2>/dev/null)" ] || { echo "~/pages-hostname.txt is not pages's /etc/hostname: docker cp pages:/etc/hostname ~/pages-hostname.txt"; exit 1; }
echo "Right: your page went in, and pages's hostname file came out."
