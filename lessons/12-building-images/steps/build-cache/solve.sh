#!/bin/bash
cd ~/hello-app
docker build -t hello-app .
docker tag hello-app hello-app:v1
echo 'echo "This line is new."' >> hello.sh
docker build -t hello-app .
docker run --rm hello-app
docker history hello-app
