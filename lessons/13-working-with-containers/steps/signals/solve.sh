#!/bin/bash
docker unpause pages
curl localhost:8083
docker run -d --name polite busybox sh -c 'trap "echo Got SIGTERM, bye; exit 0" TERM; while true; do sleep 1; done'
sleep 1
docker stop polite
docker logs polite
docker inspect -f '{{.State.ExitCode}}' polite
