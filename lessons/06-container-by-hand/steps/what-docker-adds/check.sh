#!/bin/bash
layers="$(docker image inspect -f '{{len .RootFS.Layers}}' handmade:v1 2>/dev/null)"
[ -n "$layers" ] || { echo "There is no image handmade:v1 yet: import ~/rootfs with sudo tar -C ~/rootfs -c . | docker import - handmade:v1"; exit 1; }
read -r running image mem < <(docker inspect -f '{{.State.Running}} {{.Config.Image}} {{.HostConfig.Memory}}' handmade 2>/dev/null)
[ -n "$running" ] || { echo "The image is there; now run a container named handmade from it (the docker run line)."; exit 1; }
[ "$image" = handmade:v1 ] || { echo "The container handmade does not run the image handmade:v1: docker rm -f handmade and run it again."; exit 1; }
[ "$running" = true ] || { echo "handmade is not running: an imported image has no default command, so give it one (sleep 90603)."; exit 1; }
[ "$mem" = 33554432 ] || { echo "handmade has no 32 MiB memory limit: docker rm -f handmade, then run it again with --memory 32m."; exit 1; }
echo "Right: your own rootfs, run by Docker with layers, a cgroup and a network."
