#!/bin/bash
image="$(docker inspect -f '{{.Config.Image}}' bonjour 2>/dev/null)"
if [ -z "$image" ]; then
  echo "There is no container named bonjour yet: docker run --name bonjour -e GREETING=Bonjour greeter:2.0 Docker"
  exit 1
fi
if [ "$image" != greeter:2.0 ]; then
  echo "bonjour runs $image, not greeter:2.0: docker rm bonjour, then run it again."
  exit 1
fi
if ! docker logs bonjour 2>&1 | grep -q 'Bonjour, Docker!'; then
  echo "bonjour did not say \"Bonjour, Docker!\": set GREETING with -e and put Docker after the image name (docker rm bonjour first)."
  exit 1
fi
echo "bonjour said: $(docker logs bonjour 2>&1 | tail -n 1)"
