#!/bin/bash
docker save myimage:v1 > ~/myimage.tar
tar -tf ~/myimage.tar
