#!/bin/bash
mkdir -p ~/web-app && cd ~/web-app
echo '<h1>Built with a Dockerfile</h1>' > index.html
cat > Dockerfile <<'END'
FROM busybox
LABEL org.opencontainers.image.title="web-app"
WORKDIR /srv/www
COPY index.html .
RUN mkdir /data && chown www-data:www-data /data
VOLUME /data
EXPOSE 8080
USER www-data
HEALTHCHECK --interval=5s --timeout=3s CMD wget -q -O /dev/null http://localhost:8080/ || exit 1
CMD ["httpd", "-f", "-p", "8080", "-h", "/srv/www"]
END
docker build -t web-app .
docker image inspect -f 'user={{.Config.User}} ports={{json .Config.ExposedPorts}} volumes={{json .Config.Volumes}}' web-app
docker image inspect -f '{{json .Config.Healthcheck}}' web-app
