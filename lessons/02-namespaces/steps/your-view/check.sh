#!/bin/bash
f=/home/ubuntu/my-namespaces.txt
[ -s "$f" ] || { echo "~/my-namespaces.txt does not exist yet: run lsns > ~/my-namespaces.txt"; exit 1; }
head -n 1 "$f" | grep -q 'NS *TYPE' || { echo "~/my-namespaces.txt does not look like lsns output (no NS TYPE header)."; exit 1; }
[ "$(wc -l <"$f")" -ge 5 ] || { echo "~/my-namespaces.txt has fewer lines than lsns prints."; exit 1; }
