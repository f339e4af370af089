# syntax=docker/dockerfile:1.7
FROM alpine:3.20
RUN <<EOT sh
set -e
adduser -D -u 10001 app
USER root
EOT
COPY <<EOF /etc/motd
USER root
EOF
USER 10001
CMD ["sh"]
