#!/bin/bash
pid="$(docker inspect -f '{{.State.Pid}}' pages 2>/dev/null)"
[ -n "$pid" ] && [ "$pid" != 0 ] || { echo "pages is not running: docker start pages"; exit 1; }
answer="$(printf '%s' "${ANSWER:-}" | tr -d '[:space:]')"
[ "$answer" = "$pid" ] || { echo "Not quite: the PID column of docker top pages, on the httpd line."; exit 1; }
echo "Right: $pid, the PID your sandbox gives httpd (inside pages it is PID 1)."
