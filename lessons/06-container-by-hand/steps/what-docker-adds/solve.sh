#!/bin/bash
sudo tar -C ~/rootfs -c . | docker import - handmade:v1
docker run -d --name handmade --memory 32m handmade:v1 sleep 90603
docker exec handmade ip addr
