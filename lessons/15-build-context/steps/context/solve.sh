#!/bin/bash
mkdir -p ~/ctx-demo && cd ~/ctx-demo
echo 'echo "app running"' > app.sh
dd if=/dev/urandom of=big.bin bs=1M count=20
cat > Dockerfile <<'END'
FROM busybox
COPY . /app/
CMD ["sh", "/app/app.sh"]
END
docker build -t ctx-demo:fat .
echo big.bin > .dockerignore
docker build -t ctx-demo:slim .
docker images ctx-demo
