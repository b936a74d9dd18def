#!/bin/bash
docker info | grep 'Storage Driver'
# Only the driver's name:
docker info --format '{{.Driver}}'
