#!/bin/bash
read -r status paused < <(docker inspect -f '{{.State.Status}} {{.State.Paused}}' pages 2>/dev/null)
[ -n "$status" ] || { echo "There is no container named pages: run it as in the copy step."; exit 1; }
[ "$paused" = true ] || { echo "pages is $status, not paused yet: docker pause pages"; exit 1; }
echo "Right: pages is frozen: its processes exist, but get no CPU time."
