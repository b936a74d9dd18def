#!/bin/bash
docker load < ~/myimage.tar
