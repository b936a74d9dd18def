#!/bin/bash
read -r running pid tty stdin < <(docker inspect -f '{{.State.Running}} {{.State.Pid}} {{.Config.Tty}} {{.Config.OpenStdin}}' talker 2>/dev/null)
[ -n "$running" ] || { echo "There is no container named talker yet: docker run -dit --name talker busybox sh"; exit 1; }
[ "$running" = true ] || { echo "talker has stopped (did you type exit instead of detaching?): docker rm talker, then run it again with -dit."; exit 1; }
[ "$tty" = true ] && [ "$stdin" = true ] || { echo "talker was started without -it, so there is nothing to attach to: docker rm -f talker, then docker run -dit --name talker busybox sh"; exit 1; }
# The job typed through docker attach is a child of talker's main process (docker exec would make another parent).
for job in $(pgrep -f '^sleep 91301$'); do
  if [ "$(awk '{ print $4 }' "/proc/$job/stat")" = "$pid" ]; then
    echo "Right: you typed into talker's main shell through docker attach, and it runs on after you detached."
    exit 0
  fi
done
echo "talker runs, but its main shell has no sleep 91301 job yet: docker attach talker, type sleep 91301 &, then press Ctrl-P Ctrl-Q."
exit 1
