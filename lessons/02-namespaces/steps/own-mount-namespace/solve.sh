#!/bin/bash
pgrep -f '^sleep 86401' > ~/mount-pid.txt
