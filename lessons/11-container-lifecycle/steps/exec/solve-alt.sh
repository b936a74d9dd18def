#!/bin/bash
docker exec -it web sh
# type: echo "made inside the container" > /www/hello.txt
# type: exit
