# Builds the worker and the starter. docker-compose.yml runs the worker from
# this image against Temporal and PostgreSQL.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/ ./worker ./starter ./cmd/remiss-web

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/ /usr/local/bin/
COPY examples /examples
USER nonroot
ENTRYPOINT ["/usr/local/bin/worker"]
