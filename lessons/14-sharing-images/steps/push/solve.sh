#!/bin/bash
docker tag busybox localhost:5000/me/busybox:v1
docker push localhost:5000/me/busybox:v1
curl localhost:5000/v2/_catalog
curl localhost:5000/v2/me/busybox/tags/list
docker info | grep -A 3 'Insecure Registries'
ip=$(hostname -I | cut -d' ' -f1)
docker tag hello-world $ip:5000/me/hello:v1
docker push $ip:5000/me/hello:v1
docker rmi $ip:5000/me/hello:v1
