#!/bin/bash
curl -sI -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' localhost:5000/v2/me/busybox/manifests/v1 | grep -i docker-content-digest
docker rmi localhost:5000/me/busybox:v1
D=$(curl -sI -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' localhost:5000/v2/me/busybox/manifests/v1 | awk -F': ' 'tolower($1) == "docker-content-digest" { print $2 }' | tr -d '\r')
docker pull localhost:5000/me/busybox@$D
docker images --digests localhost:5000/me/busybox
