#!/bin/bash
docker volume create notes
docker run --rm -v notes:/data busybox sh -c 'echo "written by the first container" > /data/note.txt'
docker run --rm -v notes:/data busybox cat /data/note.txt
docker volume ls
