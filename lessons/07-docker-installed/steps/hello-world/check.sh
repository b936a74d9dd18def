#!/bin/bash
read -r status code image < <(docker inspect -f '{{.State.Status}} {{.State.ExitCode}} {{.Config.Image}}' hello 2>/dev/null)
[ -n "$status" ] || { echo "There is no container named hello yet: docker run --name hello hello-world"; exit 1; }
case "$image" in hello-world | hello-world:latest | docker.io/library/hello-world*) ;; *) echo "hello runs $image, not hello-world: docker rm -f hello, then run it again."; exit 1 ;; esac
[ "$status" = exited ] || { echo "hello is $status: it should have run and exited."; exit 1; }
[ "$code" = 0 ] || { echo "hello exited with $code, not 0."; exit 1; }
docker logs hello 2>&1 | grep -q 'Hello from Docker!' || { echo "hello's logs do not say Hello from Docker!: docker rm hello, then run it again."; exit 1; }
echo "hello ran, printed its greeting (docker logs hello keeps it) and exited with 0."
