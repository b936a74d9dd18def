#!/bin/bash
docker run --name hog --memory 32m busybox dd if=/dev/zero of=/dev/null bs=100M count=1
echo $?
docker inspect -f '{{.State.ExitCode}} {{.State.OOMKilled}}' hog
