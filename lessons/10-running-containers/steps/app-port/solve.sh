#!/bin/bash
docker run -d -p 8089:3000 --name tinyweb busybox httpd -f -p 3000 -h /www
docker port tinyweb
curl localhost:8089
docker image inspect -f '{{json .Config.ExposedPorts}}' nginx
