#!/bin/bash
docker run -d -p 5000:5000 --name registry registry:2
docker ps
curl localhost:5000/v2/
curl localhost:5000/v2/_catalog
