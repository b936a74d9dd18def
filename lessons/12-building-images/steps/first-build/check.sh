#!/bin/bash
conf="$(docker image inspect -f '{{.Config.WorkingDir}} {{json .Config.Cmd}}' hello-app 2>/dev/null)"
if [ -z "$conf" ]; then
  echo "There is no image hello-app yet: docker build -t hello-app . in ~/hello-app"
  exit 1
fi
case "$conf" in
  "/app "*'"./hello.sh"'*) ;;
  *) echo "hello-app does not have WORKDIR /app and CMD [\"./hello.sh\"]: compare your Dockerfile with the lesson's."; exit 1 ;;
esac
out="$(timeout 15 docker run --rm --network none hello-app 2>&1)"
if ! grep -q 'Hello from' <<<"$out"; then
  echo "docker run --rm hello-app does not say hello: $(head -n 1 <<<"$out")"
  exit 1
fi
echo "hello-app works: $(head -n 1 <<<"$out")"
