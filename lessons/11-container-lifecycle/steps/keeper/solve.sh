#!/bin/bash
docker run -d --name keeper -p 8085:80 busybox httpd -f -p 80 -h /www
docker exec keeper sh -c 'echo "<h1>kept</h1>" > /www/index.html'
docker stop keeper
docker start keeper
curl localhost:8085
