#!/bin/bash
docker pull docker.io/library/python:3.11
docker pull python:3
docker images python
