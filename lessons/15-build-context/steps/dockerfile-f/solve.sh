#!/bin/bash
cd ~/ctx-demo
cat > Dockerfile.debug <<'END'
FROM busybox
COPY app.sh /app/
ENV DEBUG=1
CMD ["sh", "-x", "/app/app.sh"]
END
docker build -f Dockerfile.debug -t ctx-demo:debug .
docker run --rm ctx-demo:debug
