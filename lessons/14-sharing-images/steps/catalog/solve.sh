#!/bin/bash
docker tag hello-world localhost:5000/me/hello:v1
docker push localhost:5000/me/hello:v1
curl localhost:5000/v2/_catalog
curl localhost:5000/v2/me/hello/tags/list
docker exec registry ls /var/lib/registry/docker/registry/v2/repositories/me
docker volume inspect -f '{{.Mountpoint}}' regdata
