#!/bin/bash
# Run once by the postgres image when it creates the primary's cluster
# (/docker-entrypoint-initdb.d): lets the read replica of the compose
# profile "replica" stream from it, with the password of the role odoo.
set -e
echo "host replication ${POSTGRES_USER} all scram-sha-256" >> "$PGDATA/pg_hba.conf"
