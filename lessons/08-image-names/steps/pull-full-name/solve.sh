#!/bin/bash
docker pull registry:2
docker pull docker.io/library/registry:2
docker images registry
