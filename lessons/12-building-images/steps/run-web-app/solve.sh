#!/bin/bash
docker run -d --name web-app -p 8081:8080 web-app
docker ps
sleep 6; docker ps
curl localhost:8081
docker exec web-app id
docker volume ls
