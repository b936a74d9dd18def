#!/bin/bash
docker load -i ~/myimage.tar
docker images myimage
