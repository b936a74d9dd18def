#!/bin/bash
docker pull debian:bookworm
docker pull debian:12
docker images debian
docker images --digests debian
docker pull python:3/11
docker pull debian:python/java
