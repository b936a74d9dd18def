#!/bin/bash
if ! id student >/dev/null 2>&1; then
  echo "There is no user student yet: create it with sudo useradd."
  exit 1
fi
if ! id -nG student | tr ' ' '\n' | grep -qx docker; then
  echo "student exists but is not in the docker group yet: sudo usermod -aG docker student"
  exit 1
fi
echo "student is in the docker group: it may now talk to the daemon."
