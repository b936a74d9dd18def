#!/bin/bash
dir=/home/ubuntu/ctx-demo
base="$(docker image inspect -f '{{.Size}}' busybox 2>/dev/null)"
fat="$(docker image inspect -f '{{.Size}}' ctx-demo:fat 2>/dev/null)"
slim="$(docker image inspect -f '{{.Size}}' ctx-demo:slim 2>/dev/null)"
[ -n "$fat" ] || { echo "There is no image ctx-demo:fat yet: docker build -t ctx-demo:fat . in ~/ctx-demo"; exit 1; }
[ "$fat" -gt $((base + 10000000)) ] || { echo "ctx-demo:fat is not much bigger than busybox: is big.bin (20 MB) in ~/ctx-demo, and does the Dockerfile COPY . /app/?"; exit 1; }
[ -n "$slim" ] || { echo "Now leave big.bin out with a .dockerignore and build ctx-demo:slim."; exit 1; }
[ "$(stat -c %s "$dir/big.bin" 2>/dev/null || echo 0)" -gt 10000000 ] || { echo "~/ctx-demo/big.bin is gone: leave it there and keep it out with .dockerignore instead (dd it again, then rebuild ctx-demo:slim)."; exit 1; }
grep -q 'big' "$dir/.dockerignore" 2>/dev/null || grep -q '\*\.bin' "$dir/.dockerignore" 2>/dev/null || { echo "~/ctx-demo/.dockerignore does not list big.bin."; exit 1; }
[ "$slim" -lt $((base + 1000000)) ] || { echo "ctx-demo:slim still holds big.bin: rebuild it after writing .dockerignore (docker build -t ctx-demo:slim .)."; exit 1; }
echo "Right: ctx-demo:slim is $(((fat - slim) / 1000000)) MB smaller: .dockerignore kept big.bin out of the context."
