"""The planner's statistics of tables a long job fills, kept as the job goes.

PostgreSQL plans a query by the statistics of its tables, which autovacuum
refreshes at most once a minute, and only after a transaction ends; the plans of
the foreign-key checks are kept by each connection until those statistics
change. A job that fills a table in batches (an upload of 20,000 billing lines
into a young database) plans every batch by the table as it was before the job,
nearly empty: each line inserted scans every billing for its foreign key, and
the duplicate checks scan the company's billings instead of those of the same
goods, so that each batch costs more than the one before it.
"""

from odoo.tools import SQL

# A table is analysed again when it has this share more pages than at its last analysis
# (doubled: a job that fills it analyses it a few times, each plan at most that far off),
GROWTH = 1.0
# and at least this many more (below, a scan costs less than planning better).
MIN_PAGES = 8


def refresh_statistics(cr, tables):
    """Analyse those of ``tables`` (names) that grew by more than ``GROWTH`` and
    ``MIN_PAGES`` since they were last analysed, as autovacuum would at its next
    turn; returns their names. The analysis locks the table against another
    analysis (not against reads and writes) until the transaction ends: commit
    soon after."""
    cr.execute(
        SQL(
            """
            SELECT c.relname
              FROM pg_class c
             WHERE c.oid = ANY(%s::regclass[])
               AND pg_relation_size(c.oid) / current_setting('block_size')::int
                   > GREATEST(c.relpages, 0) * (1 + %s) + %s
             ORDER BY c.relname
            """,
            list(tables),
            GROWTH,
            MIN_PAGES,
        )
    )
    grown = [name for (name,) in cr.fetchall()]
    for name in grown:
        cr.execute(SQL("ANALYZE %s", SQL.identifier(name)))
    return grown
