#!/bin/bash
# The part before the first slash has a colon (a port), so it is a host:
echo localhost:5000/me/hello:v1 | cut -d/ -f1
