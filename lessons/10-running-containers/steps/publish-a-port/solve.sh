#!/bin/bash
docker run -d -p 8088:80 --name nginxwebserver nginx
docker ps
docker port nginxwebserver
curl localhost:8088
