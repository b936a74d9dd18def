#!/bin/bash
docker tag myimage:v1 myimage:v2
docker tag myimage:v1 myimage:latest
docker tag myimage:v1 myimage:python/java
docker images myimage
