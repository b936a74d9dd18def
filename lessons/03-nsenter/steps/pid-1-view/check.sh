#!/bin/bash
expected="$(readlink /proc/1/ns/net | tr -dc '0-9')"
answer="$(echo "${ANSWER:-}" | tr -dc '0-9')"
[ -n "$answer" ] && [ "$answer" = "$expected" ] || { echo "Not quite: sudo readlink /proc/1/ns/net prints net:[number]; type the number."; exit 1; }
echo "Right: net:[$expected] is PID 1's network namespace, and your shell's too: nsenter -t 1 -a took you where you already were."
