#!/bin/bash
if [ "$(docker inspect -f '{{.State.Running}}' web 2>/dev/null)" != true ]; then
  echo "No running container named web yet: run the first docker run command above."
  exit 1
fi
if [ "$(docker inspect -f '{{.Path}}' web 2>/dev/null)" != httpd ]; then
  echo "web does not run httpd: remove it (docker rm -f web) and run it as shown."
  exit 1
fi
if [ "$(docker port web 80/tcp 2>/dev/null | grep -c ':8080$')" = 0 ]; then
  echo "web does not publish port 8080: remove it (docker rm -f web) and run it with -p 8080:80."
  exit 1
fi
case "$(docker inspect -f '{{.State.Status}}' once 2>/dev/null)" in
  exited) echo "web is running, and once ran and exited." ;;
  "") echo "web runs; now run the second container, named once."; exit 1 ;;
  *) echo "once is still running: its command should end by itself, like echo."; exit 1 ;;
esac
