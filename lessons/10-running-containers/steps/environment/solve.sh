#!/bin/bash
docker run -d --name envdemo -e APP_MODE=production -e APP_COLOR=green busybox sleep infinity
docker exec envdemo env
docker inspect -f '{{json .Config.Env}}' envdemo
docker run --rm -e NAME=Ada python python -c 'import os; print("Hello,", os.environ["NAME"])'
