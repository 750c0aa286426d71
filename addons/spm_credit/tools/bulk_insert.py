"""Rows inserted in one statement, for the trusted paths that make thousands at once.

The ORM's ``create`` converts every value of every record through its field and
caches it, which costs more than the insertion itself when an upload makes tens
of thousands of lines. The callers of :func:`insert_rows` give complete values,
checked and rounded as the fields store them, so they are inserted as they are.
"""

from odoo.tools import SQL


def insert_rows(model, vals_list):
    """Insert a row of ``model`` for each dict of ``vals_list`` (column values, as
    the fields store them: ids, rounded numbers, dates, selection keys; ``False``
    is NULL but for booleans) in one statement of unnested arrays, of constant
    size whatever the number of rows, with the magic columns of the environment's
    user. Returns the ids, in the order of ``vals_list``.

    Nothing is checked, computed or cached: for private methods that checked the
    values and run what the ORM's ``create`` would after it."""
    if not vals_list:
        return []
    columns = sorted(set().union(*vals_list))
    arrays = []
    for column in columns:
        field = model._fields[column]
        values = [vals.get(column) for vals in vals_list]
        if field.type != "boolean":
            values = [None if value is False else value for value in values]
        arrays.append(SQL("%s::%s[]", values, SQL(field.column_type[1])))
    uid, now = model.env.uid, model.env.cr.now()
    names = SQL(", ").join(map(SQL.identifier, columns))
    model.env.cr.execute(
        SQL(
            """INSERT INTO %s (%s, create_uid, create_date, write_uid, write_date)
               SELECT *, %s, %s, %s, %s FROM unnest(%s) AS u(%s)
               RETURNING id""",
            SQL.identifier(model._table),
            names,
            uid,
            now,
            uid,
            now,
            SQL(", ").join(arrays),
            names,
        )
    )
    return [row[0] for row in model.env.cr.fetchall()]
