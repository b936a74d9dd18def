#!/bin/bash
box="$(docker inspect -f '{{.State.Pid}}' box 2>/dev/null)"
if [ -z "$box" ]; then echo "There is no container named box: run it as in step 1."; exit 1; fi
if [ "$box" = 0 ]; then echo "box has stopped: docker start box"; exit 1; fi
line="$(nsenter -t "$box" -n ss -ltnpH 'sport = :8090' 2>/dev/null | head -n 1)"
[ -n "$line" ] || { echo "Nothing listens on port 8090 in box's network namespace yet."; exit 1; }
server="$(grep -o 'pid=[0-9]*' <<<"$line" | head -n 1 | cut -d= -f2)"
[ -n "$server" ] || { echo "Something listens on 8090 in box, but the check cannot see which process."; exit 1; }
if [ "$(readlink "/proc/$server/ns/mnt")" != "$(readlink /proc/1/ns/mnt)" ]; then
  echo "The server on 8090 runs with box's files: start it from the sandbox, joining only box's network namespace (-n)."
  exit 1
fi
echo "Right: a server from your sandbox listens in box's network namespace, so box reaches it on localhost:8090."
