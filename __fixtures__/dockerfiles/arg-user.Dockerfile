ARG BASE=python:3.12-slim
FROM ${BASE}
ARG UID=1001
ARG GID=${UID}
RUN groupadd -g ${GID} app && useradd -u ${UID} -g ${GID} app
USER ${UID}:${GID}
CMD ["python", "-m", "app"]
