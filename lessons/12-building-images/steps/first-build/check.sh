#!/bin/bash
# Any Dockerfile will do: an image hello-app built on busybox, with a COPY and a default command.
# (The image is inspected, never run: checks must not change the daemon's state.)
layers="$(docker image inspect -f '{{range .RootFS.Layers}}{{.}} {{end}}' hello-app 2>/dev/null)"
if [ -z "$layers" ]; then
  echo "There is no image hello-app yet: docker build -t hello-app . in ~/hello-app"
  exit 1
fi
base="$(docker image inspect -f '{{range .RootFS.Layers}}{{.}} {{end}}' busybox 2>/dev/null)"
[ "${layers#"$base"}" != "$layers" ] || { echo "hello-app is not built on busybox: start the Dockerfile with FROM busybox."; exit 1; }
[ -n "${layers#"$base"}" ] || { echo "hello-app has no layer of its own: COPY hello.sh into the image."; exit 1; }
docker history --no-trunc --format '{{.CreatedBy}}' hello-app | grep -Eq '(^|\) )COPY ' || { echo "hello-app has no COPY step: copy hello.sh from the build context into the image."; exit 1; }
start="$(docker image inspect -f '{{json .Config.Entrypoint}} {{json .Config.Cmd}}' hello-app)"
base_cmd="$(docker image inspect -f '{{json .Config.Entrypoint}} {{json .Config.Cmd}}' busybox)"
[ "$start" != "$base_cmd" ] || { echo "hello-app still starts busybox's sh: add CMD [\"./hello.sh\"] (or an ENTRYPOINT)."; exit 1; }
echo "hello-app is built: busybox, your script, and a default command ($start)."
