#!/bin/bash
name=localhost:5000/me/busybox:v1
id="$(docker image inspect -f '{{.Id}}' "$name" 2>/dev/null)"
if [ -z "$id" ]; then
  echo "There is no local $name now: pull it back with docker pull $name"
  exit 1
fi
# The daemon's event log: was the image untagged, then pulled again under that name?
seen="$(docker events --since 0 --until "$(date +%s.%N)" --filter type=image --format '{{.Action}} {{.Actor.ID}}' 2>/dev/null |
  awk -v id="$id" -v name="$name" '
    $1 == "untag" && $2 == id { untagged = 1; back = 0 }
    $1 == "pull" && $2 == name && untagged { back = 1 }
    END { print (back ? "back" : untagged ? "untagged" : "none") }')"
case "$seen" in
  back) echo "$name was removed, then pulled back from your registry." ;;
  untagged) echo "$name is back, but not from the registry: docker rmi $name, then docker pull $name"; exit 1 ;;
  *) echo "$name is still here: remove it first with docker rmi $name, then pull it back."; exit 1 ;;
esac
