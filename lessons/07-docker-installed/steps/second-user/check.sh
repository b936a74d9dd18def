#!/bin/bash
id reviewer >/dev/null 2>&1 || { echo "There is no user reviewer yet."; exit 1; }
id -nG reviewer | tr ' ' '\n' | grep -qx docker || { echo "reviewer exists but is not in the docker group yet."; exit 1; }
read -r status code image < <(docker inspect -f '{{.State.Status}} {{.State.ExitCode}} {{.Config.Image}}' reviewer-hello 2>/dev/null)
[ -n "$status" ] || { echo "reviewer is ready; now, as reviewer, run hello-world in a container named reviewer-hello."; exit 1; }
case "$image" in hello-world | hello-world:latest | docker.io/library/hello-world*) ;; *) echo "reviewer-hello runs $image, not hello-world."; exit 1 ;; esac
[ "$status" = exited ] && [ "$code" = 0 ] || { echo "reviewer-hello is $status (exit $code): it should have run and exited with 0."; exit 1; }
echo "Right: reviewer talks to the daemon through the socket, thanks to the docker group."
