#!/bin/bash
mkdir -p ~/scratch-demo && cd ~/scratch-demo
cp /bin/busybox .
cat > Dockerfile <<'END'
FROM scratch
COPY busybox /bin/busybox
ENTRYPOINT ["/bin/busybox"]
CMD ["echo", "Hello from an image with one file"]
END
docker build -t scratch-demo .
docker run --rm scratch-demo
docker run --rm scratch-demo ls -R /
docker image inspect -f '{{len .RootFS.Layers}} layer(s)' scratch-demo
docker run --rm --entrypoint sh scratch-demo
