#!/bin/bash
ps -U ubuntu -o pid,user,comm > ~/my-processes.txt
