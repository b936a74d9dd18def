#!/bin/bash
cd ~/ctx-demo
printf 'FROM busybox\nCOPY app.sh /app/\nENV DEBUG=1\nCMD ["sh", "-x", "/app/app.sh"]\n' > Dockerfile.debug
docker build -t ctx-demo:debug -f - . < Dockerfile.debug
