#!/bin/bash
# The PID is the second column; pgrep prints just the number.
pgrep -f '^sleep 3600'
