#!/bin/bash
docker images 'myimage*'
docker rmi -f $(docker images -q 'myimage*')
docker images
