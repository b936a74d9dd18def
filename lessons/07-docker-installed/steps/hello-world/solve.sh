#!/bin/bash
docker run --rm hello-world
docker ps -a
