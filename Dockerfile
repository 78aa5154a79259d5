# kro-guard webhook image: Node 24 LTS, multi-stage, runs as a non-root user with a read-only
# root filesystem (certificates come from a mounted Secret).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
RUN npm ci --no-audit --no-fund && npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
# The built-in default policy is read from here (src/policy/config/default-policy.ts).
COPY manifests/policies ./manifests/policies
USER 65532:65532
EXPOSE 8443
ENTRYPOINT ["node", "/app/bin/kro-guard.js"]
CMD ["serve", "--port", "8443", "--tls-cert", "/etc/kro-guard/tls/tls.crt", "--tls-key", "/etc/kro-guard/tls/tls.key"]
