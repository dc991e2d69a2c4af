# Builds the worker and the starter. docker-compose.yml runs the worker from
# this image against Temporal and PostgreSQL.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/ ./worker ./starter ./cmd/remiss-web
# The mail journal's directory, owned by the user the workers run as, so a
# volume mounted there starts writable.
RUN mkdir -p /state/mail-journal

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/ /usr/local/bin/
COPY examples /examples
COPY --from=build --chown=nonroot:nonroot /state /var/lib/remiss
USER nonroot
ENTRYPOINT ["/usr/local/bin/worker"]
