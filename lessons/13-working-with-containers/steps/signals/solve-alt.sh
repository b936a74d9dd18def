#!/bin/bash
docker unpause pages
docker run -d --name polite busybox sh -c 'trap "echo Got SIGTERM, bye; exit 0" TERM; while true; do sleep 1; done'
sleep 1
docker kill --signal TERM polite
sleep 2
docker logs polite
