#!/bin/bash
answer="$(printf '%s' "${ANSWER:-}" | tr -d '[:space:]' | tr '[:upper:]' '[:lower:]')"
case "$answer" in
  docker.io/library/busybox:latest) echo "Right: busybox is docker.io/library/busybox:latest."; exit 0 ;;
  docker.io/library/busybox) echo "Almost: add the default tag after a colon." ;;
  docker.io/busybox:latest | docker.io/busybox) echo "Almost: official images on Docker Hub belong to the user library." ;;
  */library/busybox:latest) echo "Almost: the default registry's host is docker.io." ;;
  library/busybox:latest | busybox:latest) echo "Almost: start with the registry's host." ;;
  *) echo "Not quite: write HOST/USER/NAME:TAG with each default from the table." ;;
esac
exit 1
