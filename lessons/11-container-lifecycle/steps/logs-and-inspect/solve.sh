#!/bin/bash
curl localhost:8080/hello.txt
docker logs web
docker logs --tail 2 web
docker inspect -f '{{.State.Status}} since {{.State.StartedAt}}' web
docker inspect -f '{{.NetworkSettings.IPAddress}}' web
