#!/bin/bash
f=/home/ubuntu/netns-links.txt
[ -s "$f" ] || { echo "~/netns-links.txt does not exist yet: run sudo unshare --net ip link > ~/netns-links.txt"; exit 1; }
grep -Eq '^[0-9]+: lo:' "$f" || { echo "~/netns-links.txt does not look like ip link output (no lo)."; exit 1; }
n="$(grep -Ec '^[0-9]+: ' "$f")"
[ "$n" = 1 ] || { echo "~/netns-links.txt lists $n interfaces: that is the sandbox's network. Use sudo unshare --net."; exit 1; }
echo "Right: a new network namespace has only lo, and it is down."
