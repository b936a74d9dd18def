#!/bin/bash
docker run -d --name flaky --restart on-failure:3 busybox sh -c 'echo starting; sleep 1; exit 1'
sleep 8
docker ps -a --filter name=flaky
docker inspect -f '{{.RestartCount}} restarts, policy {{.HostConfig.RestartPolicy.Name}}' flaky
docker logs flaky
