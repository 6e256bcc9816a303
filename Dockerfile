# wikisync: the server with the built web app, on one port.
#   docker build -t wikisync .
#   docker run -p 3000:3000 -e DATABASE_URL=postgres://… wikisync   (or docker compose up)
# Without DATABASE_URL the embedded database is kept in /data (mount a volume there).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
# Install and build everything, then keep only what the server needs at run time.
RUN node scripts/pnpm.mjs install --frozen-lockfile \
 && node scripts/pnpm.mjs build \
 && rm -rf node_modules apps/*/node_modules packages/*/node_modules \
 && node scripts/pnpm.mjs install --frozen-lockfile --prod --filter @wikisync/server

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000 DATA_DIR=/data WEB_DIST_DIR=/app/apps/web/dist
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages/shared ./packages/shared
COPY --from=build /app/apps/server/package.json ./apps/server/
COPY --from=build /app/apps/server/node_modules ./apps/server/node_modules
COPY --from=build /app/apps/server/dist ./apps/server/dist
COPY --from=build /app/apps/web/dist ./apps/web/dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "apps/server/dist/main.js"]
