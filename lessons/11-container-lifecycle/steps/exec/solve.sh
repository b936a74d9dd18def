#!/bin/bash
docker exec web sh -c 'echo "made inside the container" > /www/hello.txt'
curl localhost:8080/hello.txt
