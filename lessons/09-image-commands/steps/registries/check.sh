#!/bin/bash
target="$(docker image inspect -f '{{.Id}}' student/myimage:v1 2>/dev/null)"
if [ -z "$target" ]; then
  echo "There is no image named student/myimage:v1 yet: docker tag myimage:v1 student/myimage:v1"
  exit 1
fi
if [ "$target" != "$(docker image inspect -f '{{.Id}}' myimage:v1 2>/dev/null)" ]; then
  echo "student/myimage:v1 is not the same image as myimage:v1: tag it from myimage:v1."
  exit 1
fi
echo "student/myimage:v1 is ready to push (given a network and a login)."
