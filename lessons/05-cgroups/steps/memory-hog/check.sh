#!/bin/bash
read -r status code oom mem < <(docker inspect -f '{{.State.Status}} {{.State.ExitCode}} {{.State.OOMKilled}} {{.HostConfig.Memory}}' hog 2>/dev/null)
[ -n "$status" ] || { echo "No container named hog yet: run the docker run command above."; exit 1; }
[ "$status" = exited ] || { echo "hog is $status, not finished yet: wait for it (or docker rm -f hog and run it again)."; exit 1; }
[ "$mem" != 0 ] || { echo "hog had no memory limit, so nothing stopped it: docker rm hog, then run it again with --memory 32m."; exit 1; }
[ "$code" = 137 ] || { echo "hog exited with $code, not 137: its dd was not killed. docker rm hog, then run it again with --memory 32m and bs=100M."; exit 1; }
[ "$oom" = true ] || { echo "hog was killed, but not by the OOM killer: docker rm hog and run it again."; exit 1; }
echo "Right: exit 137 (SIGKILL) and OOMKilled: the memory cgroup stopped hog, and nothing else."
