#!/bin/bash
read -r running cmd < <(docker inspect -f '{{.State.Running}} {{join .Config.Cmd " "}}' ns-challenge 2>/dev/null)
[ -n "$running" ] || { echo "There is no container named ns-challenge yet."; exit 1; }
[ "$cmd" = "sleep 90203" ] || { echo "ns-challenge runs \"$cmd\", not sleep 90203: docker rm -f ns-challenge and run it again."; exit 1; }
[ "$running" = true ] || { echo "ns-challenge is not running: docker start ns-challenge"; exit 1; }
pid="$(docker inspect -f '{{.State.Pid}}' ns-challenge)"
expected="$(readlink "/proc/$pid/ns/pid" | tr -dc '0-9')"
f=/home/ubuntu/pid-ns.txt
[ -s "$f" ] || { echo "~/pid-ns.txt does not exist yet."; exit 1; }
answer="$(tr -d '[:space:]' <"$f")"
[ "$answer" = "$expected" ] || { echo "~/pid-ns.txt holds \"$answer\", not the inode of ns-challenge's pid namespace."; exit 1; }
echo "Right: pid:[$expected] is ns-challenge's own pid namespace."
