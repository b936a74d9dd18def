#!/bin/bash
docker version
# Only the server's version:
docker version --format '{{.Server.Version}}'
