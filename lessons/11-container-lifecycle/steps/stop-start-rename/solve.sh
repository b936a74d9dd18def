#!/bin/bash
docker stop web
docker ps -a --filter name=web
docker start web
docker rename web website
docker ps
curl localhost:8080/hello.txt
