#!/bin/bash
read -r status code image cmd < <(docker inspect -f '{{.State.Status}} {{.State.ExitCode}} {{.Config.Image}} {{join .Config.Cmd " "}}' napper 2>/dev/null)
[ -n "$status" ] || { echo "There is no container named napper yet: run busybox with the command sleep 600, named napper, in the background."; exit 1; }
[ "$cmd" = "sleep 600" ] || { echo "napper runs \"$cmd\", not sleep 600: docker rm -f napper, then run it again."; exit 1; }
case "$status" in
  running) echo "napper still runs: find the PID of its sleep 600 from the sandbox and kill that process."; exit 1 ;;
  exited) ;;
  *) echo "napper is $status; it should have stopped because its main process was killed."; exit 1 ;;
esac
[ "$code" = 137 ] || { echo "napper exited with $code: its sleep should have been killed (SIGKILL gives 137). docker rm napper and try again."; exit 1; }
echo "Right: the main process was killed from outside (137 = 128 + SIGKILL), so the container stopped."
