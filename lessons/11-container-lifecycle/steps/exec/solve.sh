#!/bin/bash
docker exec -it web bash
docker exec web sh -c 'echo "made inside the container" > /www/hello.txt'
