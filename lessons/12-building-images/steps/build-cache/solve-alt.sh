#!/bin/bash
cd ~/hello-app
DOCKER_BUILDKIT=1 docker build -t hello-app .
docker tag hello-app hello-app:v1
echo 'echo "This line is new."' >> hello.sh
DOCKER_BUILDKIT=1 docker build -t hello-app .
docker history hello-app
