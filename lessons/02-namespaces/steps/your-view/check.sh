#!/bin/bash
f=/home/ubuntu/my-namespaces.txt
[ -s "$f" ] || { echo "~/my-namespaces.txt does not exist yet: run lsns > ~/my-namespaces.txt"; exit 1; }
head -n 1 "$f" | grep -q 'NS *TYPE' || { echo "~/my-namespaces.txt does not look like lsns output (no NS TYPE header)."; exit 1; }
[ "$(wc -l <"$f")" -ge 5 ] || { echo "~/my-namespaces.txt has fewer lines than lsns prints."; exit 1; }
# Every NS number in the file must be a namespace that exists right now, the sandbox's among them.
live="$(readlink /proc/[0-9]*/ns/* 2>/dev/null | tr -dc '0-9\n' | sort -u)"
unknown="$(awk 'NR > 1 { print $1 }' "$f" | grep -vxF -f <(printf '%s\n' "$live") | head -n 1)"
[ -z "$unknown" ] || { echo "~/my-namespaces.txt lists namespace $unknown, which no process is in: save what lsns prints now."; exit 1; }
awk 'NR > 1 { print $1 }' "$f" | grep -qx "$(readlink /proc/1/ns/net | tr -dc '0-9')" || { echo "~/my-namespaces.txt does not list the sandbox's own net namespace: save what lsns prints, as yourself."; exit 1; }
echo "Right: these are the namespaces your own processes are in."
