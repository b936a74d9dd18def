#!/bin/bash
docker run --name short-lived busybox echo "done already"
