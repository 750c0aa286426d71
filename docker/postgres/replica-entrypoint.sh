#!/bin/bash
# The read replica of the compose profile "replica": on its first start a
# copy of the primary (pg_basebackup -R: standby.signal and the connection to
# the primary), streaming from the physical slot "replica_1" so that the
# primary keeps the WAL it has not received yet (max_slot_wal_keep_size bounds it).
set -e
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    install -d -m 700 -o postgres -g postgres "$PGDATA"
    gosu postgres pg_basebackup -h db -U "$POSTGRES_USER" -D "$PGDATA" -R -X stream -C -S replica_1 -c fast
fi
exec gosu postgres postgres -c hot_standby=on -c hot_standby_feedback=on
