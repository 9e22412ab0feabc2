# The web app, built with Node and served by nginx (which also proxies /api). Both pinned:
# Node 22 is a maintained LTS line, nginx 1.28 the stable one.
FROM node:22.20.0-alpine AS build
WORKDIR /build
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend ./
RUN npm run build

FROM nginx:1.28.0-alpine
COPY nginx/nginx.conf /etc/nginx/nginx.conf
COPY --from=build /build/dist /usr/share/nginx/html
# /var/www/acme: ACME http-01 challenges (a volume shared with certbot, see README).
RUN chown -R nginx /usr/share/nginx/html && mkdir -p /var/www/acme
USER nginx
# 8080 plain HTTP (redirects to HTTPS), 8443 HTTPS, 8081 connection counters (internal).
EXPOSE 8080 8443 8081
HEALTHCHECK --interval=15s --timeout=3s --retries=5 CMD wget -qO- http://127.0.0.1:8080/healthz || exit 1
