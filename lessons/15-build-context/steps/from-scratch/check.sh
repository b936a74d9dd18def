#!/bin/bash
layers="$(docker image inspect -f '{{range .RootFS.Layers}}{{.}} {{end}}' scratch-demo 2>/dev/null)"
[ -n "$layers" ] || { echo "There is no image scratch-demo yet: docker build -t scratch-demo . in ~/scratch-demo"; exit 1; }
for l in $(docker image inspect -f '{{range .RootFS.Layers}}{{.}} {{end}}' busybox); do
  case " $layers " in *" $l "*) echo "scratch-demo contains busybox's image layer: start the Dockerfile with FROM scratch, not FROM busybox."; exit 1 ;; esac
done
set -- $layers
[ "$#" = 1 ] || { echo "scratch-demo has $# layers; FROM scratch plus one COPY makes exactly one."; exit 1; }
[ "$(docker image inspect -f '{{json .Config.Entrypoint}}{{json .Config.Cmd}}' scratch-demo)" != "nullnull" ] || { echo "scratch-demo has no command: add ENTRYPOINT [\"/bin/busybox\"] (and a CMD)."; exit 1; }
echo "Right: scratch-demo is one layer, built from nothing."
