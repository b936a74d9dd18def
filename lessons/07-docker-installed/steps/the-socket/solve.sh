#!/bin/bash
ls -l /var/run/docker.sock
# Only the group's name:
stat -c %G /var/run/docker.sock
