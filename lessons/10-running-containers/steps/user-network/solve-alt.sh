#!/bin/bash
docker run -d --name backend nginx
docker network create appnet
docker network connect appnet backend
docker run --rm --network appnet busybox wget -qO- http://backend
docker logs backend
