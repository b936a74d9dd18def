#!/bin/bash
pid="$(docker inspect -f '{{.State.Pid}}' shimmed 2>/dev/null)"
[ -n "$pid" ] && [ "$pid" != 0 ] || { echo "There is no running container named shimmed: docker run -d --name shimmed busybox sleep 90701 (or docker start shimmed)."; exit 1; }
ppid="$(awk '{ print $4 }' "/proc/$pid/stat")"
parent="$(basename "$(readlink "/proc/$ppid/exe")")"
answer="$(printf '%s' "${ANSWER:-}" | tr -d '[:space:]' | tr '[:upper:]' '[:lower:]')"
answer="${answer##*/}"
if [ -n "$answer" ] && { [ "$answer" = "$parent" ] || [ "$answer" = "$(cat "/proc/$ppid/comm")" ]; }; then
  echo "Right: $parent is the parent of the container's process; runc has already exited."
  exit 0
fi
case "$answer" in
  dockerd | containerd | runc | docker) echo "Not $answer: look at the line just above sleep 90701 in ps -ef --forest." ;;
  *) echo "Not quite: the parent is the line just above sleep 90701 in ps -ef --forest." ;;
esac
exit 1
