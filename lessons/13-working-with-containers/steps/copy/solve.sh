#!/bin/bash
docker run -d --name pages -p 8083:80 busybox httpd -f -vv -p 80 -h /www
echo '<h1>Copied in with docker cp</h1>' > ~/index.html
docker cp ~/index.html pages:/www/index.html
curl localhost:8083
docker cp pages:/etc/hostname ~/pages-hostname.txt
cat ~/pages-hostname.txt
