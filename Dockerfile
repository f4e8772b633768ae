# Build: docker build -t tongxing .
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# modernc.org/sqlite is pure Go: a static binary without cgo.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/tongxing ./cmd/tongxing

FROM gcr.io/distroless/static-debian12:nonroot
WORKDIR /data
COPY --from=build /out/tongxing /usr/local/bin/tongxing
ENV TONGXING_ADDR=:8080
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/tongxing"]
CMD ["serve"]
