#!/bin/sh
# Moves the shipped configuration to the ports docker-compose.yml gives (PLAYGROUND_PORT,
# APP_A_PORT, APP_B_PORT), then runs nginx in the foreground. Each must be a port number.
set -eu
for v in PLAYGROUND_PORT APP_A_PORT APP_B_PORT; do
  eval "p=\${$v:-}"
  case "$p" in
    "" | *[!0-9]*) echo "balancer: $v must be a port number (got '$p')" >&2; exit 2 ;;
  esac
done
sed -e "s/^\(\s*listen \)3000;/\1$PLAYGROUND_PORT;/" \
  -e "s/server 127\.0\.0\.1:3001 /server 127.0.0.1:$APP_A_PORT /" \
  -e "s/server 127\.0\.0\.1:3002 /server 127.0.0.1:$APP_B_PORT /" \
  /etc/nginx/nginx.conf.shipped >/etc/nginx/nginx.conf
exec nginx -g "daemon off;"
