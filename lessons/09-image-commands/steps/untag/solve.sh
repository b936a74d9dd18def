#!/bin/bash
docker rmi myimage
docker images myimage
