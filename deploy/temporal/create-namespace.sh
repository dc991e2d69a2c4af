#!/bin/sh
# One-shot step of docker-compose.yml (temporalio/admin-tools): waits until
# the Temporal server answers its health check (the temporal CLI), then
# registers the namespace if it is not there. The workers and the web
# server start once this has succeeded.
set -eu
ns=${TEMPORAL_NAMESPACE:-default}
addr=${TEMPORAL_ADDRESS:-temporal:7233}
tries=0
until temporal operator cluster health --address "$addr"; do
	tries=$((tries + 1))
	if [ "$tries" -ge 60 ]; then
		echo "Temporal at $addr is not healthy" >&2
		exit 1
	fi
	sleep 2
done
temporal operator namespace describe --address "$addr" -n "$ns" >/dev/null 2>&1 ||
	temporal operator namespace create --address "$addr" -n "$ns" --retention 30d
echo "Temporal namespace $ns: registered"
