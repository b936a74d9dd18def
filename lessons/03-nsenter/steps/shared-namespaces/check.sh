#!/bin/bash
pid="$(docker inspect -f '{{.State.Pid}}' box 2>/dev/null)"
[ -n "$pid" ] && [ "$pid" != 0 ] || { echo "box is not running: docker start box (or run it again as in step 1)."; exit 1; }
shared=0 kinds=""
for ns in /proc/"$pid"/ns/*; do
  kind="${ns##*/}"
  case "$kind" in *_for_children) continue ;; esac
  if [ "$(readlink "$ns")" = "$(readlink "/proc/1/ns/$kind")" ]; then shared=$((shared + 1)); kinds="$kinds $kind"; fi
done
answer="$(echo "${ANSWER:-}" | tr -d '[:space:]')"
[ "$answer" = "$shared" ] || { echo "Not quite: count the rows of sudo lsns -p \$PID whose PID column is 1."; exit 1; }
echo "Right: box shares $shared namespaces with PID 1 ($(echo $kinds | sed 's/ /, /g')); the others are its own."
