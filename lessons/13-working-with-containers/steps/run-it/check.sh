#!/bin/bash
read -r status code tty stdin < <(docker inspect -f '{{.State.Status}} {{.State.ExitCode}} {{.Config.Tty}} {{.Config.OpenStdin}}' tty-demo 2>/dev/null)
[ -n "$status" ] || { echo "There is no container named tty-demo yet: run the docker run -it --name tty-demo line."; exit 1; }
[ "$tty" = true ] || { echo "tty-demo has no terminal: docker rm tty-demo, then run it again with -t (or -it)."; exit 1; }
[ "$stdin" = true ] || { echo "tty-demo's input was not kept open: docker rm tty-demo, then run it again with -i (or -it)."; exit 1; }
[ "$status" = exited ] || { echo "tty-demo is $status: its command should have run and exited."; exit 1; }
[ "$code" = 0 ] || { echo "tty-demo exited with $code: its test failed (was its input a terminal?). docker rm tty-demo and run it again with -it."; exit 1; }
echo "Right: tty-demo ran with an open input (-i) and a terminal (-t)."
