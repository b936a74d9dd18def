#!/bin/bash
docker save -o ~/offline-images.tar busybox hello-world
tar -xOf ~/offline-images.tar manifest.json
