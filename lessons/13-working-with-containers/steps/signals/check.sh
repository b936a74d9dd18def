#!/bin/bash
[ "$(docker inspect -f '{{.State.Paused}}' pages 2>/dev/null)" != true ] || { echo "pages is still paused: docker unpause pages"; exit 1; }
read -r status code < <(docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' polite 2>/dev/null)
[ -n "$status" ] || { echo "There is no container named polite yet: run the docker run line with the trap."; exit 1; }
[ "$status" = exited ] || { echo "polite is $status: send it SIGTERM with docker stop polite."; exit 1; }
docker logs polite 2>&1 | grep -q 'Got SIGTERM' || { echo "polite stopped without handling SIGTERM (exit $code): was it killed? docker rm polite, run it again and use docker stop."; exit 1; }
[ "$code" = 0 ] || { echo "polite handled SIGTERM but exited with $code."; exit 1; }
echo "Right: polite got SIGTERM, said goodbye and exited with 0, at once."
