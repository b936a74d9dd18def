#!/bin/bash
mkdir -p ~/site
echo '<h1>My own page</h1>' > ~/site/index.html
docker run --rm nginx grep root /etc/nginx/sites-enabled/default
docker rm -f nginxwebserver
docker run -d -p 8088:80 --name mysite -v ~/site:/var/www/html:ro nginx
curl localhost:8088
echo '<p>Changed on the host.</p>' >> ~/site/index.html
curl localhost:8088
