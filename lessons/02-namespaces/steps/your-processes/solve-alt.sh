#!/bin/bash
ps -U ubuntu > ~/my-processes.txt
cat ~/my-processes.txt
