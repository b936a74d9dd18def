#!/bin/bash
state="$(docker inspect -f '{{.State.Status}} {{.State.FinishedAt}}' website 2>/dev/null)"
if [ -z "$state" ]; then
  if [ -n "$(docker inspect -f '{{.Name}}' web 2>/dev/null)" ]; then
    echo "The container is still called web: stop it, start it, then docker rename web website."
  else
    echo "There is no container named website (or web): go back to the first step to run web."
  fi
  exit 1
fi
status="${state%% *}" finished="${state#* }"
case "$finished" in
  0001-01-01*) echo "website has never been stopped: docker stop website, then docker start website."; exit 1 ;;
esac
if [ "$status" != running ]; then
  echo "website is $status: start it again with docker start website."
  exit 1
fi
echo "web was stopped, started again, and is now called website."
