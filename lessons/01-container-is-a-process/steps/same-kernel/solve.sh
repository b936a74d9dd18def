#!/bin/bash
docker exec sleeper uname -r
