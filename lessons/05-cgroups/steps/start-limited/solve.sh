#!/bin/bash
docker run -d --name limited --memory 64m --cpus 0.5 --pids-limit 50 busybox sleep 90501
