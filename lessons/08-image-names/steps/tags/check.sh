#!/bin/bash
a="$(docker image inspect -f '{{.Id}}' debian:bookworm 2>/dev/null)"
b="$(docker image inspect -f '{{.Id}}' debian:12 2>/dev/null)"
[ -n "$a" ] || { echo "There is no debian:bookworm yet: docker pull debian:bookworm"; exit 1; }
[ -n "$b" ] || { echo "There is no debian:12 yet: docker pull debian:12"; exit 1; }
[ "$a" = "$b" ] || { echo "debian:bookworm and debian:12 are different images here: did you tag one of them yourself? docker rmi debian:12, then pull it again."; exit 1; }
echo "Right: debian:bookworm and debian:12 are two tags of one image (${a:7:12})."
