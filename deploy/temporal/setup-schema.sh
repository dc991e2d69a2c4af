#!/bin/sh
# One-shot step of docker-compose.yml (temporalio/admin-tools): creates
# Temporal's two databases on our PostgreSQL, if missing, and brings their
# schemas to the version the server image needs. Safe to run again.
set -eu
tool() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" --pw "$POSTGRES_PWD" "$@"; }
for db in temporal:temporal temporal_visibility:visibility; do
	name=${db%%:*} schema=${db#*:}
	tool --db "$name" create || true # exists already
	tool --db "$name" setup-schema -v 0.0 || true # set up already
	tool --db "$name" update-schema -d "/etc/temporal/schema/postgresql/v12/$schema/versioned"
done
echo "Temporal schema: up to date"
