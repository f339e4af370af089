FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN chmod u+s /src/tool && go build -o /out/app ./cmd/app
RUN apt-get update && apt-get install -y sudo && sudo true

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
