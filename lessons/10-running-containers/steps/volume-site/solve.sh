#!/bin/bash
docker run --rm -v webdata:/data busybox sh -c 'echo "<h1>From a volume</h1>" > /data/index.html'
docker run -d --name volsite -p 8092:80 -v webdata:/usr/share/nginx/html:ro nginx
sleep 1
curl localhost:8092
