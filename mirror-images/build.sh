#!/usr/bin/env bash
# Builds the registry mirror image and the Docker Hub stand-ins it serves (images.txt), for
# the local engine, without pulling from any registry.
#
#   build.sh             build what is missing; progress lines start with "==> "; the LAST
#                        stdout line is the set's tag, e.g. 5f0c2a9d1e3b
#   build.sh --version   print only that tag (no build, no Docker needed)
#
# Images: container-playground/mirror-registry:TAG (the mirror itself) and
# container-playground/stand-in:NAME-TAG, labelled io.containerplayground.stand-in=NAME and
# io.containerplayground.stand-in-tags="TAGS". Settings: SANDBOX_SUITE, SANDBOX_MIRROR (as
# sandbox-images/build.sh).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SUITE="${SANDBOX_SUITE:-bookworm}"
APT_MIRROR="${SANDBOX_MIRROR:-http://deb.debian.org/debian}"
RECIPE=1

die() { echo "mirror-images/build.sh: error: $*" >&2; exit 1; }
step() { echo "==> $*"; }

TAG="$(
  {
    printf 'recipe=%s\nsuite=%s\nmirror=%s\narch=%s\n' "$RECIPE" "$SUITE" "$APT_MIRROR" "$(uname -m)"
    cd "$HERE" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-12
)"
case "${1:-}" in
  --version) echo "$TAG"; exit 0 ;;
  "") ;;
  *) die "unknown argument '$1' (usage: build.sh [--version])" ;;
esac

# NAME TAGS... : PACKAGES... -> "NAME|TAGS|PACKAGES"
entries() {
  sed -e 's/#.*//' "$HERE/images.txt" | awk -F: 'NF >= 2 { split($1, a, " "); name = a[1]; tags = ""; for (i = 2; i in a; i++) tags = tags (tags ? " " : "") a[i]; gsub(/^ +| +$/, "", $2); print name "|" tags "|" $2 }'
}

exists() { docker image inspect "$1" >/dev/null 2>&1; }
REGISTRY_REF="container-playground/mirror-registry:$TAG"
missing=0
while IFS='|' read -r name _tags _pkgs; do exists "container-playground/stand-in:$name-$TAG" || missing=1; done < <(entries)
exists "$REGISTRY_REF" || missing=1
if [ "$missing" = 0 ]; then
  step "Mirror images $TAG are up to date"
  echo "$TAG"
  exit 0
fi

[ "$(id -u)" = 0 ] || die "building runs debootstrap, which needs root: run 'sudo $0'"
command -v debootstrap >/dev/null 2>&1 || die "debootstrap is not installed (apt-get install debootstrap)"
LOCK="${TMPDIR:-/tmp}/container-playground-mirror-build.lock"
exec 9>>"$LOCK"
flock 9

WORK="$(mktemp -d "${TMPDIR:-/var/tmp}/mirror-build.XXXXXX")"
LOG="$WORK/build.log"
cleanup() {
  local rc=$?
  if [ "$rc" != 0 ]; then echo "mirror-images/build.sh: failed (exit $rc); last lines of the log:" >&2; tail -n 30 "$LOG" >&2; fi
  awk -v r="$WORK" 'index($2, r "/") == 1 { print $2 }' /proc/self/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf --one-file-system "$WORK"
  exit "$rc"
}
trap cleanup EXIT
run() { "$@" >>"$LOG" 2>&1; }

step "Bootstrapping a $SUITE minbase for the stand-in images (a minute or two)"
base="$WORK/base"
run debootstrap --variant=minbase "$SUITE" "$base" "$APT_MIRROR"
rm -rf "$base"/var/lib/apt/lists/* "$base"/var/cache/apt/archives/*.deb

# image NAME TAGS PACKAGES REF
image() {
  local name="$1" tags="$2" pkgs="$3" ref="$4" root="$WORK/$1"
  step "Building stand-in $name ($tags)${pkgs:+ with $pkgs}"
  cp -a "$base" "$root"
  local -a change=(--change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" --change "ENV LANG=C.UTF-8")
  if [ -n "$pkgs" ]; then
    mount --bind /dev "$root/dev"; mount -t proc proc "$root/proc"
    cat /etc/resolv.conf >"$root/etc/resolv.conf"
    printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"; chmod 0755 "$root/usr/sbin/policy-rc.d"
    # shellcheck disable=SC2086
    run chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
      sh -c "apt-get -q update && apt-get -q -y --no-install-recommends install $pkgs && apt-get clean"
    rm -f "$root/usr/sbin/policy-rc.d"; : >"$root/etc/resolv.conf"
    umount "$root/proc"; umount "$root/dev"
    rm -rf "$root"/var/lib/apt/lists/*
  fi
  case "$name" in
    debian | ubuntu) change+=(--change 'CMD ["bash"]') ;;
    alpine)
      # As small as the real one: busybox alone (its applets linked where Alpine has them),
      # and an apk that says plainly that nothing can be installed offline.
      local mini="$WORK/alpine-mini" applet
      mkdir -p "$mini"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,var/tmp,home,proc,sys,dev,run}
      chmod 1777 "$mini/tmp" "$mini/var/tmp"
      cp "$root/bin/busybox" "$mini/bin/busybox"
      "$mini/bin/busybox" --list-full | while read -r applet; do
        [ -e "$mini/$applet" ] || ln -s /bin/busybox "$mini/$applet"
      done
      printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n' >"$mini/etc/passwd"
      printf 'root:x:0:\nnogroup:x:65534:\n' >"$mini/etc/group"
      printf 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.0\nPRETTY_NAME="Alpine Linux stand-in (busybox only, offline)"\n' >"$mini/etc/os-release"
      echo "3.20.0" >"$mini/etc/alpine-release"
      cat >"$mini/sbin/apk" <<'EOF2'
#!/bin/sh
# Container Playground's stand-in for Alpine's apk: this image is busybox alone, and the
# playground is offline, so no package can be downloaded. Tools busybox already has count
# as installed.
case "${1:-}" in
  add)
    shift
    missing=""
    for p in "$@"; do
      case "$p" in -*) continue ;; esac
      command -v "$p" >/dev/null 2>&1 || missing="$missing $p"
    done
    if [ -z "$missing" ]; then echo "OK: provided by busybox"; exit 0; fi
    echo "apk: this alpine is an offline stand-in (busybox only); cannot install:$missing" >&2
    exit 1 ;;
  update | upgrade | cache) echo "apk: offline stand-in: no package index here (nothing to do)"; exit 0 ;;
  info | list) echo "busybox" ;;
  *) echo "apk: this alpine is an offline stand-in (busybox only): packages cannot be installed" >&2; exit 1 ;;
esac
EOF2
      chmod 0755 "$mini/sbin/apk"
      rm -rf --one-file-system "$root"
      mv "$mini" "$root"
      change=(--change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" --change 'CMD ["/bin/sh"]') ;;
    redis)
      # Like the official image: reachable from other containers, data in /data.
      mkdir -p "$root/data"
      change+=(--change 'WORKDIR /data' --change 'EXPOSE 6379' --change 'CMD ["redis-server", "--protected-mode", "no"]') ;;
    httpd)
      # Docker Hub's layout: the site is /usr/local/apache2/htdocs ("It works!"), logs go to
      # the container's output, httpd-foreground runs it.
      mkdir -p "$root/usr/local/apache2"
      mv "$root/var/www/html" "$root/usr/local/apache2/htdocs"
      ln -s /usr/local/apache2/htdocs "$root/var/www/html"
      printf '<html><body><h1>It works!</h1></body></html>\n' >"$root/usr/local/apache2/htdocs/index.html"
      echo "ServerName localhost" >>"$root/etc/apache2/apache2.conf"
      ln -sf /dev/stdout "$root/var/log/apache2/access.log"; ln -sf /dev/stderr "$root/var/log/apache2/error.log"
      ln -sf /dev/stdout "$root/var/log/apache2/other_vhosts_access.log"
      cat >"$root/usr/local/bin/httpd-foreground" <<'EOF2'
#!/bin/sh
set -e
. /etc/apache2/envvars
mkdir -p "$APACHE_RUN_DIR" "$APACHE_LOCK_DIR" "$APACHE_LOG_DIR"
rm -f "$APACHE_PID_FILE"
exec apache2 -DFOREGROUND "$@"
EOF2
      chmod 0755 "$root/usr/local/bin/httpd-foreground"
      change+=(--change 'EXPOSE 80' --change 'CMD ["httpd-foreground"]') ;;
    nginx)
      # Like the official image: logs to the container's output, runs in the foreground.
      ln -sf /dev/stdout "$root/var/log/nginx/access.log"; ln -sf /dev/stderr "$root/var/log/nginx/error.log"
      # Docker Hub's layout, which lessons rely on: the default site serves /usr/share/nginx/html,
      # configured in /etc/nginx/conf.d/default.conf (Debian's own site and /var/www/html go).
      mkdir -p "$root/usr/share/nginx/html"
      cp "$root/var/www/html/index.nginx-debian.html" "$root/usr/share/nginx/html/index.html"
      printf '<html><head><title>Error</title></head><body><h1>An error occurred.</h1></body></html>\n' >"$root/usr/share/nginx/html/50x.html"
      rm -rf "$root/etc/nginx/sites-enabled/default" "$root/var/www/html"
      cat >"$root/etc/nginx/conf.d/default.conf" <<'EOF2'
server {
    listen       80;
    listen  [::]:80;
    server_name  localhost;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }
}
EOF2
      change+=(--change 'EXPOSE 80' --change 'CMD ["nginx", "-g", "daemon off;"]') ;;
    python)
      ln -sf python3 "$root/usr/bin/python"
      change+=(--change 'CMD ["python3"]') ;;
    registry)
      # Debian's config asks for htpasswd auth; a registry for learners (and the mirror) has none.
      mkdir -p "$root/var/lib/registry"
      cat >"$root/etc/docker/registry/config.yml" <<'EOF2'
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: /var/lib/registry
  delete:
    enabled: true
http:
  addr: :5000
  headers:
    X-Content-Type-Options: [nosniff]
EOF2
      # The host's mirror serves this one once seeded: nobody can push or delete.
      sed 's/^  delete:$/  maintenance:\n    readonly:\n      enabled: true\n  delete:/' \
        "$root/etc/docker/registry/config.yml" >"$root/etc/docker/registry/config-readonly.yml"
      change+=(--change 'EXPOSE 5000' --change 'VOLUME ["/var/lib/registry"]'
        --change 'CMD ["/usr/bin/docker-registry", "serve", "/etc/docker/registry/config.yml"]') ;;
  esac
  tar -C "$root" --numeric-owner -cf - . |
    run docker import "${change[@]}" \
      --change "LABEL io.containerplayground.stand-in=$name" \
      --change "LABEL io.containerplayground.stand-in-tags=\"$tags\"" \
      --change "LABEL io.containerplayground.stand-in-set=$TAG" \
      --message "Container Playground stand-in for $name: debootstrap $SUITE minbase${pkgs:+ + $pkgs}" - "$ref"
  rm -rf --one-file-system "$root"
}

while IFS='|' read -r name tags pkgs; do
  ref="container-playground/stand-in:$name-$TAG"
  if exists "$ref"; then step "Stand-in $name: cached"; else image "$name" "$tags" "$pkgs" "$ref"; fi
done < <(entries)
# The host's mirror is the registry stand-in itself.
docker tag "container-playground/stand-in:registry-$TAG" "$REGISTRY_REF"
step "Built mirror images $TAG"
echo "$TAG"
