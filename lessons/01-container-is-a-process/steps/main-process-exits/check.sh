#!/bin/bash
status="$(docker inspect -f '{{.State.Status}}' short-lived 2>/dev/null)"
case "$status" in
  exited) echo "short-lived exited when echo finished." ;;
  "") echo "There is no container named short-lived yet."; exit 1 ;;
  *) echo "short-lived is $status; its main process should have finished."; exit 1 ;;
esac
