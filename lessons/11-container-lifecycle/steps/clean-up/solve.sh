#!/bin/bash
docker ps -aq
docker rm -f $(docker ps -aq)
docker ps -a
