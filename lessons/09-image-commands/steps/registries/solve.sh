#!/bin/bash
docker pull alpine
docker search alpine
docker tag myimage:v1 student/myimage:v1
docker push student/myimage:v1
