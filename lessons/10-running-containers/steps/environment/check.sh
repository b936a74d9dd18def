#!/bin/bash
conf="$(docker inspect -f '{{.State.Status}}|{{range .Config.Env}}{{.}} {{end}}' envdemo 2>/dev/null)"
if [ -z "$conf" ]; then
  echo "There is no container named envdemo yet: docker run -d --name envdemo -e APP_MODE=production -e APP_COLOR=green busybox sleep infinity"
  exit 1
fi
status="${conf%%|*}" env=" ${conf#*|}"
for var in APP_MODE=production APP_COLOR=green; do
  if [[ "$env" != *" $var "* ]]; then
    echo "envdemo has no $var, and variables are set only when a container is created: docker rm -f envdemo, then run it again with -e $var."
    exit 1
  fi
done
if [ "$status" != running ]; then
  echo "envdemo is $status: give it a command that keeps running, like sleep infinity (docker rm -f envdemo, then run it again)."
  exit 1
fi
echo "envdemo runs with APP_MODE=production and APP_COLOR=green in its environment."
