# syntax=docker/dockerfile:1
# One image for every process; compose picks the command:
#   API         node dist/apps/api/src/main.js             (default; serves the dashboard at /)
#   worker      node --max-semi-space-size=4 --max-old-space-size=1024 dist/apps/worker/src/main.js   (WORKER_NODE_FLAGS)
#   migrations  node dist/libs/db/src/cli.js migrate
#   API keys    node dist/apps/api/src/cli/keys.js bootstrap

ARG NODE_IMAGE=node:20-bookworm-slim

##### build: compile TypeScript, prebuild the workflow bundle, drop dev dependencies #####
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# better-sqlite3 falls back to a native compile when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

# Manifests first so the dependency layer survives source edits.
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm npm install --no-audit --no-fund

COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY workflows ./workflows
COPY activities ./activities
COPY libs ./libs

# Bundling at worker start would need webpack and the TypeScript sources at runtime; do it once here.
RUN npm run build \
 && node dist/apps/worker/src/build-bundle.js dist/workflow-bundle.js \
 && npm prune --omit=dev

##### runtime #####
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app

ENV NODE_ENV=production \
    WORKER_BUNDLE_PATH=dist/workflow-bundle.js

# Code stays root-owned (the process cannot rewrite itself); only data/ is writable.
# data/blobs exists in the image so a fresh named volume mounted there inherits node ownership.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Shipped models: a fresh deployment serves predictions without training.
COPY data/models ./data/models
RUN mkdir -p /app/data/blobs && chown -R node:node /app/data

USER node
EXPOSE 3000

# Liveness only (no database/Temporal round trip); the worker, which serves no HTTP, disables it in compose.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/v1/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

CMD ["node", "dist/apps/api/src/main.js"]
