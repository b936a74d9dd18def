#!/bin/bash
docker rm -f registry
docker run -d -p 5000:5000 --name registry-2 -v regdata:/var/lib/registry registry:2
sleep 1
curl localhost:5000/v2/_catalog
