#!/bin/bash
cd ~/web-app
echo '<h1>About this server</h1>' > about.html
sed -i 's/^COPY index.html .$/COPY index.html about.html .\//' Dockerfile
cat Dockerfile
docker build -t web-app:v2 .
docker run -d --name web-app-2 -p 8082:8080 web-app:v2
sleep 7
docker ps
curl localhost:8082/about.html
