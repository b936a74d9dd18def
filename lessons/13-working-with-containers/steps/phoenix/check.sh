#!/bin/bash
read -r status policy count cmd < <(docker inspect -f '{{.State.Status}} {{.HostConfig.RestartPolicy.Name}} {{.RestartCount}} {{join .Config.Cmd " "}}' phoenix 2>/dev/null)
[ -n "$status" ] || { echo "There is no container named phoenix yet."; exit 1; }
[ "$cmd" = "sleep 91302" ] || { echo "phoenix runs \"$cmd\", not sleep 91302: docker rm -f phoenix and run it again."; exit 1; }
case "$policy" in
  always | unless-stopped | on-failure) ;;
  *) echo "phoenix has no restart policy (${policy:-no}): docker rm -f phoenix, then run it again with --restart always."; exit 1 ;;
esac
[ "$count" -ge 1 ] || { echo "phoenix has not been restarted yet: kill its sleep 91302 from the sandbox (sudo kill -9 PID)."; exit 1; }
[ "$status" = running ] || { echo "phoenix is $status: did you stop it with docker? Docker does not restart what you stopped yourself. docker start phoenix, then kill its process from the sandbox."; exit 1; }
echo "Right: its process died, and Docker brought phoenix back ($count restart(s))."
