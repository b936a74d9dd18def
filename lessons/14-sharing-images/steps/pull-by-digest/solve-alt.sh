#!/bin/bash
docker image inspect -f '{{join .RepoDigests "\n"}}' localhost:5000/me/busybox:v1
REF=$(docker image inspect -f '{{join .RepoDigests "\n"}}' localhost:5000/me/busybox:v1 | grep '^localhost:5000/me/busybox@')
docker rmi localhost:5000/me/busybox:v1
docker pull $REF
