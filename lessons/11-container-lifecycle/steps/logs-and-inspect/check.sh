#!/bin/bash
if [ -z "$(docker inspect -f '{{.Name}}' web 2>/dev/null)" ]; then
  echo "There is no container named web: go back to the first step."
  exit 1
fi
# The daemon keeps the main process's output: httpd -vv logged each request's URL.
if ! docker logs web 2>&1 | grep -q 'url:/hello\.txt'; then
  if docker inspect -f '{{join .Config.Cmd " "}}' web | grep -q -- '-vv'; then
    echo "web's log has no request for /hello.txt yet: curl localhost:8080/hello.txt, then docker logs web."
  else
    echo "web does not log URLs: it needs httpd -vv (docker rm -f web, then run it as in the first step)."
  fi
  exit 1
fi
echo "Right: docker logs web shows your request for /hello.txt."
