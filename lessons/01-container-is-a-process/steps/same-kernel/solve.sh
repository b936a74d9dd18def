#!/bin/bash
docker image inspect -f '{{.Os}}/{{.Architecture}}' busybox
uname -m
docker exec sleeper uname -r
