#!/bin/bash
sudo lsns > ~/all-namespaces.txt
