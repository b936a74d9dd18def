#!/bin/bash
docker images
# HOST/USER/NAME:TAG with the defaults: docker.io, library, latest
echo docker.io/library/busybox:latest
