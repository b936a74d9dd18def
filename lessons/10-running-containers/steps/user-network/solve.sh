#!/bin/bash
docker network create appnet
docker run -d --name backend --network appnet nginx
docker network ls
docker run --rm --network appnet busybox wget -qO- http://backend
docker run --rm busybox wget -qO- http://backend
docker network inspect appnet
docker logs backend
