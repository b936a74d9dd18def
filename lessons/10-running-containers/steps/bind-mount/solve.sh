#!/bin/bash
mkdir -p ~/site
echo '<h1>My own page</h1>' > ~/site/index.html
docker run --rm nginx cat /etc/nginx/conf.d/default.conf
docker rm -f nginxwebserver
docker run -d -p 8088:80 --name mysite -v ~/site:/usr/share/nginx/html:ro nginx
curl localhost:8088
echo '<p>Changed on the host.</p>' >> ~/site/index.html
curl localhost:8088
