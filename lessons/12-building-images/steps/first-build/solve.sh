#!/bin/bash
mkdir -p ~/hello-app && cd ~/hello-app
cat > hello.sh <<'END'
#!/bin/sh
echo "Hello from $(hostname), built from a Dockerfile!"
END
cat > Dockerfile <<'END'
FROM busybox
WORKDIR /app
COPY hello.sh .
RUN chmod +x hello.sh
CMD ["./hello.sh"]
END
docker build -t hello-app .
docker run --rm hello-app
