#!/bin/bash
# A container for the learner to discover (idempotent: kept if it already runs).
if [ "$(docker inspect -f '{{.State.Running}}' ns-demo 2>/dev/null)" != true ]; then
  docker rm -f ns-demo >/dev/null 2>&1
  docker run -d --name ns-demo busybox sleep 90201 >/dev/null
fi
