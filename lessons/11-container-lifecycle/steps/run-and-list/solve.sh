#!/bin/bash
docker run -d --name web -p 8080:80 busybox httpd -f -vv -p 80 -h /www
docker run --name once busybox echo "I ran once"
docker ps
docker ps -a
curl localhost:8080
