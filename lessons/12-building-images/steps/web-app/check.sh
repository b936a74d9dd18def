#!/bin/bash
conf="$(docker image inspect -f '{{.Config.User}}|{{json .Config.ExposedPorts}}|{{json .Config.Volumes}}|{{json .Config.Healthcheck}}|{{json .Config.Cmd}}' web-app 2>/dev/null)"
if [ -z "$conf" ]; then
  echo "There is no image web-app yet: docker build -t web-app . in ~/web-app"
  exit 1
fi
IFS='|' read -r user ports volumes health cmd <<<"$conf"
problem=""
[ "$user" = www-data ] || problem="its USER is \"$user\", not www-data"
[ -z "$problem" ] && ! grep -q '"8080/tcp"' <<<"$ports" && problem="it does not EXPOSE 8080"
[ -z "$problem" ] && ! grep -q '"/data"' <<<"$volumes" && problem="it has no VOLUME /data"
[ -z "$problem" ] && ! grep -q 'wget' <<<"$health" && problem="it has no HEALTHCHECK with wget"
[ -z "$problem" ] && ! grep -q '"httpd"' <<<"$cmd" && problem="its CMD does not start httpd"
if [ -n "$problem" ]; then
  echo "web-app is built, but $problem: compare your Dockerfile with the lesson's and build again."
  exit 1
fi
echo "web-app runs as www-data, exposes 8080, keeps /data in a volume and has a health check."
