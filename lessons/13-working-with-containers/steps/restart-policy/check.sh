#!/bin/bash
read -r policy count < <(docker inspect -f '{{.HostConfig.RestartPolicy.Name}} {{.RestartCount}}' flaky 2>/dev/null)
[ -n "$policy" ] || { echo "There is no container named flaky yet: run the docker run --restart on-failure:3 line."; exit 1; }
[ "$policy" = on-failure ] || { echo "flaky's restart policy is $policy: docker rm -f flaky, then run it again with --restart on-failure:3."; exit 1; }
[ "$count" -ge 1 ] || { echo "Docker has not restarted flaky yet: wait a few seconds, then check again."; exit 1; }
echo "Right: Docker restarted flaky $count time(s) after it failed."
