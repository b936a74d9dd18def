#!/bin/bash
mkdir -p ~/tinysite && cd ~/tinysite
cp /bin/busybox .
echo '<h1>Served from an image built FROM scratch</h1>' > index.html
cat > Dockerfile <<'END'
FROM scratch
COPY busybox /bin/busybox
COPY index.html /www/index.html
EXPOSE 8080
ENTRYPOINT ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]
END
docker build -t tinysite .
docker run -d --name tinysite -p 8093:8080 tinysite
sleep 1
curl localhost:8093
