# syntax=docker/dockerfile:1
# Tandem: the sync server and the editor it serves, in one image.
#
#   docker build -t tandem .
#   docker run -p 1234:1234 -v tandem-data:/data -e AUTH_SECRET=... -e ALLOWED_ORIGINS=https://docs.example.org tandem
#
# The runtime layout (built files + production dependencies) is made by scripts/production-layout.mjs, the
# same script e2e/vitest/production-layout.test.ts runs in a clean folder and starts as a non-root user.

ARG NODE_IMAGE=node:20-bookworm-slim
ARG NPM_VERSION=11.19.1

# --- build: every dependency, compile TypeScript, bundle the editor, assemble /out --------------------------
FROM ${NODE_IMAGE} AS build
ARG NPM_VERSION
# better-sqlite3 compiles its native module when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && npm install -g "npm@${NPM_VERSION}"
WORKDIR /src
# Manifests first, so the dependency layer is reused while only sources change.
COPY package.json package-lock.json ./
COPY packages/schema/package.json packages/schema/
COPY packages/persistence/package.json packages/persistence/
COPY apps/sync-server/package.json apps/sync-server/
COPY apps/editor/package.json apps/editor/
COPY e2e/package.json e2e/
COPY bench/package.json bench/
# Playwright's browsers are for the tests, not the image.
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 && node scripts/production-layout.mjs /out --install \
 && npm cache clean --force

# --- runtime: built files and production dependencies only, run as a non-root user -----------------------
FROM ${NODE_IMAGE} AS runtime
# tini as PID 1 passes SIGTERM (docker stop) on to node, so the graceful stop runs, and reaps zombies.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 tandem \
 && useradd --system --uid 10001 --gid tandem --home-dir /app --shell /usr/sbin/nologin tandem \
 && mkdir -p /data \
 && chown tandem:tandem /data
WORKDIR /app
COPY --from=build --chown=root:root /out /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=1234 \
    DATA_DIR=/data
USER tandem
VOLUME ["/data"]
EXPOSE 1234
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||1234)+'/readyz').then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
# `docker run tandem` serves; `docker run tandem token --sub alice` and the data commands work too.
ENTRYPOINT ["/usr/bin/tini", "--", "node", "--max-semi-space-size=8", "/app/apps/sync-server/dist/main.js"]
CMD []
