#!/bin/bash
mkdir -p ~/hello-app && cd ~/hello-app
printf '#!/bin/sh\necho "Hello from $(hostname)!"\n' > hello.sh
cat > Dockerfile <<'END'
FROM busybox
WORKDIR /opt/hello
COPY hello.sh ./
RUN chmod 755 hello.sh
ENTRYPOINT ["/bin/sh", "hello.sh"]
END
docker build -t hello-app .
docker run --rm hello-app
