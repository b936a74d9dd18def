#!/bin/bash
conf="$(docker image inspect -f '{{json .Config.Env}}|{{json .Config.Cmd}}' ctx-demo:debug 2>/dev/null)"
[ -n "$conf" ] || { echo "There is no image ctx-demo:debug yet: docker build -f Dockerfile.debug -t ctx-demo:debug . in ~/ctx-demo"; exit 1; }
grep -q '"DEBUG=1"' <<<"${conf%%|*}" || { echo "ctx-demo:debug has no DEBUG=1: was it built from Dockerfile.debug (-f Dockerfile.debug)?"; exit 1; }
grep -q '"-x"' <<<"${conf#*|}" || { echo "ctx-demo:debug does not run sh -x: build it from Dockerfile.debug."; exit 1; }
echo "Right: ctx-demo:debug was built from Dockerfile.debug, with the same context."
