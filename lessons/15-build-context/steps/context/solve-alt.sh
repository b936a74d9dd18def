#!/bin/bash
mkdir -p ~/ctx-demo && cd ~/ctx-demo
echo 'echo "app running"' > app.sh
dd if=/dev/urandom of=big.bin bs=1M count=20
printf 'FROM busybox\nCOPY . /app/\nCMD ["sh", "/app/app.sh"]\n' > Dockerfile
docker build -t ctx-demo:fat .
printf '# large files stay out of the context\n*.bin\n' > .dockerignore
docker build -t ctx-demo:slim .
