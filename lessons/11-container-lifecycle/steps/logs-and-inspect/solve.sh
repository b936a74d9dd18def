#!/bin/bash
curl -s localhost:8080 > /dev/null
docker logs web
docker inspect -f '{{.NetworkSettings.IPAddress}}' web
