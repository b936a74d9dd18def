#!/bin/bash
docker run -d --name web-app -p 8081:8080 web-app:latest
sleep 7
docker ps
