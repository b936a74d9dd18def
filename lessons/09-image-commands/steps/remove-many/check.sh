#!/bin/bash
for img in busybox hello-world; do
  if ! docker image inspect "$img:latest" >/dev/null 2>&1; then
    echo "$img is gone! Load it again: docker load -i /opt/container-playground/images/$img.tar"
    exit 1
  fi
done
left="$(docker images --format '{{.Repository}}:{{.Tag}}' | grep -E '^(student/)?myimage:' | head -n 3 | paste -sd ' ' -)"
if [ -n "$left" ]; then
  echo "These images are still there: $left"
  exit 1
fi
echo "Every myimage is gone, and busybox and hello-world are safe."
