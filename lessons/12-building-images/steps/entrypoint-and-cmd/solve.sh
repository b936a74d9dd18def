#!/bin/bash
docker run --rm greeter:2.0
docker run --rm greeter:2.0 Docker
docker run --rm --entrypoint cat greeter:2.0 /etc/greeter-version
docker run --name bonjour -e GREETING=Bonjour greeter:2.0 Docker
docker logs bonjour
