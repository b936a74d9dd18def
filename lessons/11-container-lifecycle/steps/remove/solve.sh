#!/bin/bash
docker rm website
docker rm -f website
