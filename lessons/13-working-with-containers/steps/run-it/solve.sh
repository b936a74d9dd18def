#!/bin/bash
echo hello | docker run --rm busybox cat
echo hello | docker run --rm -i busybox cat
docker run --rm busybox tty
docker run --rm -t busybox tty
docker run -it --name tty-demo busybox sh -c 'tty && test -t 0 && echo "input and output are a terminal"'
