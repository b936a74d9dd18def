#!/bin/bash
lsns > ~/my-namespaces.txt
