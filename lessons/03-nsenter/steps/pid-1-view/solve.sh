#!/bin/bash
sudo nsenter -t 1 -a hostname
readlink /proc/$$/ns/net
sudo readlink /proc/1/ns/net | tr -dc '0-9\n'
