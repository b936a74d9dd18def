#!/bin/bash
dir="$(docker volume inspect -f '{{.Mountpoint}}' notes 2>/dev/null)"
[ -n "$dir" ] || { echo "There is no volume named notes yet: docker volume create notes"; exit 1; }
[ -s "$dir/note.txt" ] || { echo "The volume notes holds no note.txt yet: write one from a container that mounts it (-v notes:/data)."; exit 1; }
users="$(docker ps -aq --filter volume=notes | wc -l)"
[ "$users" = 0 ] || { echo "$users container(s) still use notes: remove them (docker rm) and see that the note stays; --rm does it for you."; exit 1; }
echo "Right: the containers are gone, and notes still holds: $(head -c 80 "$dir/note.txt")"
