#!/bin/bash
docker rmi localhost:5000/me/busybox:v1
docker images
docker pull localhost:5000/me/busybox:v1
docker images
