#!/bin/bash
docker run -d -p 5000:5000 --name registry -v regdata:/var/lib/registry registry:2
docker ps
sleep 1
curl localhost:5000/v2/
curl localhost:5000/v2/_catalog
