FROM debian:bookworm-slim AS base
RUN useradd --uid 10001 --create-home app
USER 10001:10001

FROM base AS final
COPY --chown=10001:10001 app /home/app/app
CMD ["/home/app/app"]
