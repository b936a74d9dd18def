#!/bin/bash
docker run --name hello hello-world
docker ps -a
docker logs hello
docker run --rm hello-world
docker ps -a
