#!/bin/bash
mkdir -p ~/greeter && cd ~/greeter
cat > greet.sh <<'END'
#!/bin/sh
echo "$GREETING, $1! (greeter $(cat /etc/greeter-version))"
END
chmod +x greet.sh
cat > Dockerfile <<'END'
FROM busybox
ARG VERSION=1.0
LABEL org.opencontainers.image.title="greeter" \
      org.opencontainers.image.version="$VERSION"
ENV GREETING="Hello"
RUN echo "$VERSION" > /etc/greeter-version
COPY greet.sh /usr/local/bin/greet
ENTRYPOINT ["greet"]
CMD ["world"]
END
docker build --build-arg VERSION=2.0 -t greeter:2.0 .
docker image inspect -f '{{json .Config.Labels}}' greeter:2.0
docker image inspect -f '{{json .Config.Env}}' greeter:2.0
