#!/bin/bash
docker stats --no-stream
docker top pages
docker top pages -o pid,args | awk '/httpd/ { print $1 }'
