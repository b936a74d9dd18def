# The playground app for production (docker-compose.yml). Sandboxes run on the host's Docker
# engine through its socket; build their image on the host first: `sudo npm run sandbox-image`.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
# Native modules (better-sqlite3, node-pty) compile when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN bash scripts/prisma-generate.sh && npx next build && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
# iptables: the host firewall rules that isolate sandboxes; util-linux (losetup) and
# e2fsprogs (mkfs.ext4): each sandbox's size-limited disk.
RUN apt-get update && apt-get install -y --no-install-recommends iptables util-linux e2fsprogs && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 DATA_DIR=/app/data SANDBOX_AUTO_BUILD=false
COPY --from=build /app /app
EXPOSE 3000
CMD ["node", "--import", "tsx", "server/main.ts"]
