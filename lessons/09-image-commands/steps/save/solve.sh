#!/bin/bash
docker save -o ~/myimage.tar myimage:v1
ls -lh ~/myimage.tar
tar -tf ~/myimage.tar
