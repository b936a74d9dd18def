#!/bin/bash
docker tag busybox localhost:5000/team/tool:1.0
docker push localhost:5000/team/tool:1.0
D=$(curl -sI -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' localhost:5000/v2/team/tool/manifests/1.0 | awk -F': ' 'tolower($1) == "docker-content-digest" { print $2 }' | tr -d '\r')
docker run --name from-digest localhost:5000/team/tool@$D echo deployed
