#!/bin/bash
pid="$(docker inspect -f '{{.State.Pid}}' box 2>/dev/null)"
if [ -z "$pid" ]; then echo "There is no container named box: run it as in step 1."; exit 1; fi
if [ "$pid" = 0 ]; then echo "box has stopped: docker start box"; exit 1; fi
shared=0 kinds=""
for ns in /proc/"$pid"/ns/*; do
  kind="${ns##*/}"
  case "$kind" in *_for_children) continue ;; esac
  if [ "$(readlink "$ns")" = "$(readlink "/proc/1/ns/$kind")" ]; then shared=$((shared + 1)); kinds="$kinds $kind"; fi
done
answer="$(echo "${ANSWER:-}" | tr -d '[:space:]')"
[ "$answer" = "$shared" ] || { echo "Not quite: count the rows of sudo lsns -p \$PID whose PID column is 1."; exit 1; }
echo "Right: box shares $shared namespaces with PID 1 ($(echo $kinds | sed 's/ /, /g')); the others are its own."
