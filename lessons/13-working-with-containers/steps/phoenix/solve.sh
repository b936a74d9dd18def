#!/bin/bash
docker run -d --name phoenix --restart always busybox sleep 91302
sleep 1
sudo kill -9 $(pgrep -f '^sleep 91302')
sleep 3
docker ps --filter name=phoenix
docker inspect -f '{{.RestartCount}}' phoenix
