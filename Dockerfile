# Build: docker build -t tongxing .
# The runtime contract (user, data directory, environment, health check) is
# tested without an engine by cmd/tongxing TestImageRuntimeContract, which
# reads this file: keep the final stage's USER, WORKDIR, ENV, the COPY of
# the data directory and HEALTHCHECK in the forms it parses.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# modernc.org/sqlite is pure Go: a static binary without cgo.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/tongxing ./cmd/tongxing
# The data directory, to be owned by the runtime user: the embedded
# database, its generated secrets and the open-data releases live there.
RUN mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/tongxing /usr/local/bin/tongxing
COPY --from=build --chown=65532:65532 /out/data /data
WORKDIR /data
VOLUME /data
ENV TONGXING_ADDR=:8080
EXPOSE 8080
# Numeric, so that runAsNonRoot policies can check it (distroless "nonroot").
USER 65532:65532
HEALTHCHECK --interval=10s --timeout=6s --start-period=60s --retries=3 CMD ["/usr/local/bin/tongxing", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/tongxing"]
CMD ["serve"]
