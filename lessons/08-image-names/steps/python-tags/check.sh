#!/bin/bash
a="$(docker image inspect -f '{{.Id}}' python:3.11 2>/dev/null)"
b="$(docker image inspect -f '{{.Id}}' python:3 2>/dev/null)"
[ -n "$a" ] || { echo "There is no python:3.11 yet: pull it by its full name, docker.io/library/python:3.11."; exit 1; }
[ -n "$b" ] || { echo "There is no python:3 yet: pull it too."; exit 1; }
[ "$a" = "$b" ] || { echo "python:3.11 and python:3 are different images here: did you tag one yourself? docker rmi it and pull it again."; exit 1; }
docker image inspect -f '{{join .RepoDigests " "}}' python:3.11 | grep -q 'python@sha256:' || { echo "python:3.11 was not pulled from a registry: docker rmi python:3.11, then pull it."; exit 1; }
echo "Right: docker.io/library/python:3.11 and python:3 are one image (${a:7:12})."
