"""Fill a database with a reproducible company at scale, for the benchmarks.

What goes through the ORM and what through SQL:

* through the ORM, so that every computed field and constraint holds:
  business units, product categories and products, salespersons (users),
  customers, distributors and their retailers, quotas with their monthly
  lines;
* through fast SQL, because millions of rows through the ORM would take
  hours: team assignments (consistent splits of 100 %), the sale orders and
  their lines (copies of one order made through the ORM, with their own
  customer, salesperson, product, quantity and date), the credit lines derived
  from those order lines by the same rule as the credit engine (one line per
  split share, dated on the order), and the monthly aggregate rebuilt from the
  credit lines.

At scale 1: 300 salespersons in 4 business units (one of 80), 20,000 customers
(15 % shared by two or three salespersons, some with an overlay), 60
distributors with 30,000 retailers, a year of quotas with seasonality and
2,000,000 credit lines over 24 months. ``scale`` multiplies every count.
"""

from __future__ import annotations

import random
import time
from datetime import date

from dateutil.relativedelta import relativedelta

DEFAULTS = {
    "salespersons": 300,
    "customers": 20_000,
    "distributors": 60,
    "retailers": 30_000,
    "credit_lines": 2_000_000,
}
UNITS = 4
BIG_UNIT_SALESPERSONS = 80
MONTHS = 24
LINES_PER_ORDER = 10
SHARED_RATIO = 0.15
SEASONALITY = [13, 12, 10, 7, 6, 5, 5, 5, 7, 9, 10, 11]


def scaled(scale: float) -> dict[str, int]:
    """The counts of a company at ``scale`` (at least a handful of each)."""
    counts = {key: max(int(value * scale), 4) for key, value in DEFAULTS.items()}
    counts["salespersons"] = max(counts["salespersons"], UNITS * 2)
    return counts


def _batched_create(model, vals_list, size=1000):
    records = model.browse()
    for start in range(0, len(vals_list), size):
        records |= model.create(vals_list[start : start + size])
    return records


def _copy_rows(cr, table, template_id, substitutions, source_sql, params):
    """INSERT into ``table`` one copy of row ``template_id`` per row of
    ``source_sql``, its columns replaced by ``substitutions`` (SQL expressions
    over the source row ``s``); return the new ids in the source's order."""
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name != 'id'",
        [table],
    )
    columns = [row[0] for row in cr.fetchall()]
    select = ", ".join(substitutions.get(c, f't."{c}"') for c in columns)
    cr.execute(
        f"""
        INSERT INTO "{table}" ({", ".join(f'"{c}"' for c in columns)})
        SELECT {select} FROM ({source_sql}) s CROSS JOIN "{table}" t WHERE t.id = %s
        ORDER BY s.seq
        RETURNING id
        """,  # noqa: S608 - identifiers come from the catalogue, values are parameters
        [*params, template_id],
    )
    return [row[0] for row in cr.fetchall()]


def generate(env, scale: float = 1.0, seed: int = 42, log=print) -> dict:
    """Create the benchmark company in ``env``'s database; return what was made."""
    env = env(
        context=dict(env.context, tracking_disable=True, mail_create_nolog=True, no_reset_password=True)
    )
    ctx = {
        "env": env,
        "rng": random.Random(seed),
        "counts": scaled(scale),
        # Names of this run's records: the generator may run again in the same database.
        "tag": f"{seed}x{int(time.time()) % 100000}",
        "today": date.today(),
        "started": time.monotonic(),
    }
    for step in (_people_and_units, _accounts, _assignments, _quotas, _orders, _credit):
        step(ctx)
        log(f"  {step.__name__.strip('_')}: {time.monotonic() - ctx['started']:.1f}s")
    return {
        "scale": scale,
        "salespersons": ctx["users"].ids,
        "big_unit": ctx["units"][0].id,
        "big_unit_manager": ctx["managers"][0].id,
        "units": ctx["units"].ids,
        "customers": ctx["customers"].ids,
        "products": ctx["products"].ids,
        "unit_of_user": ctx["unit_of_user"],
        "orders": len(ctx["order_ids"]),
        "order_lines": ctx["order_lines"],
        "credit_lines": ctx["credit_lines"],
        "seconds": round(time.monotonic() - ctx["started"], 1),
    }


def _people_and_units(ctx):
    """Business units, their products, managers and salespersons (ORM)."""
    env, counts, tag = ctx["env"], ctx["counts"], ctx["tag"]
    categories = env["product.category"].create([{"name": f"Bench unit {u}"} for u in range(UNITS)])
    products = env["product.product"].create(
        [
            {
                "name": f"Bench product {u}-{p}",
                "categ_id": categories[u].id,
                "list_price": 10.0 + p,
                "invoice_policy": "order",
                "taxes_id": [(5, 0, 0)],
            }
            for u in range(UNITS)
            for p in range(10)
        ]
    )
    group = env.ref("spm_quota.group_spm_salesperson")
    users = _batched_create(
        env["res.users"],
        [
            {
                "name": f"Bench salesperson {i}",
                "login": f"bench_sales_{tag}_{i}",
                "groups_id": [(4, group.id)],
            }
            for i in range(counts["salespersons"])
        ],
        size=100,
    )
    rest = counts["salespersons"] - BIG_UNIT_SALESPERSONS
    big = (
        min(BIG_UNIT_SALESPERSONS, counts["salespersons"] - (UNITS - 1))
        if rest > 0
        else counts["salespersons"] // UNITS
    )
    unit_of_user = [0] * big + [1 + i % (UNITS - 1) for i in range(counts["salespersons"] - big)]
    managers = _batched_create(
        env["res.users"],
        [
            {
                "name": f"Bench manager {u}",
                "login": f"bench_manager_{tag}_{u}",
                "groups_id": [(4, env.ref("spm_quota.group_spm_manager").id)],
            }
            for u in range(UNITS)
        ],
    )
    units = env["spm.business.unit"].create(
        [
            {
                "name": f"Bench unit {u}",
                "code": f"B{tag}-{u}",
                "manager_id": managers[u].id,
                "credit_basis": "order",
                "product_category_ids": [(6, 0, categories[u].ids)],
            }
            for u in range(UNITS)
        ]
    )
    ctx.update(products=products, users=users, unit_of_user=unit_of_user, managers=managers, units=units)


def _accounts(ctx):
    """Customers, distributors and their retailers (ORM)."""
    env, counts = ctx["env"], ctx["counts"]
    customers = _batched_create(
        env["res.partner"],
        [{"name": f"Bench customer {i}", "is_company": True} for i in range(counts["customers"])],
    )
    distributors = _batched_create(
        env["res.partner"],
        [
            {"name": f"Bench distributor {i}", "is_company": True, "is_distributor": True}
            for i in range(counts["distributors"])
        ],
    )
    _batched_create(
        env["res.partner"],
        [
            {
                "name": f"Bench retailer {i}",
                "parent_id": distributors[i % len(distributors)].id,
                "type": "delivery",
            }
            for i in range(counts["retailers"])
        ],
    )
    ctx.update(customers=customers, distributors=distributors)


def _assignments(ctx):
    """An owner per account, 15 % shared by two or three, a few overlays (SQL)."""
    env, rng, users, units, managers = ctx["env"], ctx["rng"], ctx["users"], ctx["units"], ctx["managers"]
    unit_of_user, today, cr = ctx["unit_of_user"], ctx["today"], ctx["env"].cr
    customers, distributors = ctx["customers"], ctx["distributors"]
    users_by_unit = {
        u: [users[i].id for i, unit in enumerate(unit_of_user) if unit == u] for u in range(UNITS)
    }
    owner_of, rows = {}, []
    start = (today - relativedelta(months=MONTHS)).replace(day=1)
    for partner in (customers | distributors).ids:
        unit = rng.randrange(UNITS)
        team = users_by_unit[unit]
        if rng.random() < SHARED_RATIO and len(team) >= 3:
            members = rng.sample(team, rng.choice((2, 3)))
            shares = [50.0, 50.0] if len(members) == 2 else [50.0, 30.0, 20.0]
        else:
            members, shares = [rng.choice(team)], [100.0]
        owner_of[partner] = (unit, list(zip(members, shares, strict=True)))
        rows += [
            (partner, user, units[unit].id, "split", share)
            for user, share in zip(members, shares, strict=True)
        ]
        if rng.random() < 0.02:
            rows.append((partner, managers[unit].id, units[unit].id, "overlay", 100.0))
    cr.execute(
        """
        INSERT INTO spm_assignment (partner_id, user_id, business_unit_id, kind, share, date_from, active,
                                    company_id, create_uid, write_uid, create_date, write_date)
        SELECT p, u, b, k, s, %s, true, %s, 1, 1, now(), now()
          FROM unnest(%s::int[], %s::int[], %s::int[], %s::varchar[], %s::numeric[]) AS r(p, u, b, k, s)
        """,
        [start, env.company.id, *map(list, zip(*rows, strict=True))],
    )
    ctx.update(owner_of=owner_of, start=start)


def _quotas(ctx):
    """A year of confirmed quotas, spread by a seasonality profile (ORM)."""
    env, users, units, unit_of_user = ctx["env"], ctx["users"], ctx["units"], ctx["unit_of_user"]
    tag, today = ctx["tag"], ctx["today"]
    profile = env["spm.seasonality.profile"].create(
        {
            "name": f"Bench seasonality {tag}",
            **{f"weight_{m:02d}": w for m, w in enumerate(SEASONALITY, 1)},
        }
    )
    year = today.replace(month=1, day=1)
    quotas = _batched_create(
        env["spm.quota"],
        [
            {
                "user_id": users[i].id,
                "business_unit_id": units[unit_of_user[i]].id,
                "date_from": year,
                "date_to": year.replace(month=12, day=31),
                "amount": 12_000.0 * (1 + i % 5),
                "seasonality_profile_id": profile.id,
            }
            for i in range(len(users))
        ],
        size=200,
    )
    quotas.action_confirm()


def _orders(ctx):
    """Sale orders and their lines: SQL copies of one order made with the ORM."""
    from odoo.addons.spm_quota.tools import trusted  # noqa: PLC0415 - needs the addons path

    env, rng, counts, owner_of = ctx["env"], ctx["rng"], ctx["counts"], ctx["owner_of"]
    customers, products, start, today = ctx["customers"], ctx["products"], ctx["start"], ctx["today"]
    tag, cr = ctx["tag"], ctx["env"].cr
    with trusted(env, "spm_credit_disabled"):
        template = env["sale.order"].create(
            {
                "partner_id": customers[0].id,
                "order_line": [
                    (0, 0, {"product_id": products[0].id, "product_uom_qty": 1, "price_unit": 10.0})
                ],
            }
        )
        template.action_confirm()
    env.flush_all()
    shares_per_order = 1 + SHARED_RATIO * 0.5
    order_count = max(int(counts["credit_lines"] / LINES_PER_ORDER / shares_per_order), 1)
    partners = customers.ids
    orders = []
    for seq in range(order_count):
        partner = partners[rng.randrange(len(partners))]
        unit, members = owner_of[partner]
        day = start + relativedelta(days=rng.randrange((today - start).days + 1))
        orders.append((seq, partner, members[0][0], f"B{tag}/{seq:07d}", day))
    order_ids = []
    for chunk in range(0, len(orders), 50_000):
        part = orders[chunk : chunk + 50_000]
        order_ids += _copy_rows(
            cr,
            "sale_order",
            template.id,
            {
                "partner_id": "s.partner",
                "partner_invoice_id": "s.partner",
                "partner_shipping_id": "s.partner",
                "user_id": "s.salesperson",
                "name": "s.name",
                "date_order": "s.day::timestamp",
                "amount_untaxed": "0",
                "amount_total": "0",
            },
            "SELECT * FROM unnest(%s::int[], %s::int[], %s::int[], %s::varchar[], %s::date[]) "
            "AS s(seq, partner, salesperson, name, day)",
            list(map(list, zip(*part, strict=True))),
        )
    template_line = template.order_line
    line_rows = []
    for (seq, partner, _user, _name, _day), order_id in zip(orders, order_ids, strict=True):
        unit = owner_of[partner][0]
        for n in range(LINES_PER_ORDER):
            product = products[unit * 10 + rng.randrange(10)]
            qty = rng.randint(1, 20)
            line_rows.append((seq * LINES_PER_ORDER + n, order_id, product.id, qty, product.list_price))
    for chunk in range(0, len(line_rows), 200_000):
        part = line_rows[chunk : chunk + 200_000]
        _copy_rows(
            cr,
            "sale_order_line",
            template_line.id,
            {
                "order_id": "s.order_id",
                "product_id": "s.product",
                "product_uom_qty": "s.qty",
                "qty_to_invoice": "s.qty",
                "price_unit": "s.price",
                "price_subtotal": "s.qty * s.price",
                "price_total": "s.qty * s.price",
                "price_reduce_taxexcl": "s.price",
                "price_reduce_taxinc": "s.price",
                "untaxed_amount_to_invoice": "s.qty * s.price",
            },
            "SELECT * FROM unnest(%s::int[], %s::int[], %s::int[], %s::numeric[], %s::numeric[]) "
            "AS s(seq, order_id, product, qty, price)",
            list(map(list, zip(*part, strict=True))),
        )
    cr.execute(
        """
        UPDATE sale_order o SET amount_untaxed = t.total, amount_total = t.total
          FROM (SELECT order_id, SUM(price_subtotal) AS total FROM sale_order_line
                 WHERE order_id = ANY(%s) GROUP BY order_id) t
         WHERE o.id = t.order_id
    """,
        [order_ids],
    )
    ctx.update(order_ids=order_ids, order_lines=len(line_rows))


def _credit(ctx):
    """Credit lines from the order lines, one per split share, and the monthly
    aggregate rebuilt from them (SQL)."""
    env, order_ids = ctx["env"], ctx["order_ids"]
    cr = env.cr
    cr.execute(
        """
        INSERT INTO spm_credit_line (user_id, business_unit_id, company_id, partner_id, product_id,
                                     date, month,
                                     amount, amount_collected, share, kind, assignment_id, basis, state,
                                     sale_line_id, order_id, origin, is_adjustment,
                                     create_uid, write_uid, create_date, write_date)
        SELECT a.user_id, a.business_unit_id, o.company_id, o.partner_id, l.product_id,
               o.date_order::date, date_trunc('month', o.date_order)::date,
               ROUND(l.price_subtotal * a.share / 100, 2),
               CASE WHEN o.date_order < now() - interval '2 months'
                    THEN ROUND(l.price_subtotal * a.share / 100, 2) ELSE 0 END,
               a.share, a.kind, a.id, 'order', 'confirmed', l.id, o.id, o.name, false, 1, 1, now(), now()
          FROM sale_order_line l
          JOIN sale_order o ON o.id = l.order_id
          JOIN spm_assignment a ON a.partner_id = o.partner_id AND a.kind = 'split'
         WHERE o.id = ANY(%s)
    """,
        [order_ids],
    )
    credit_count = cr.rowcount
    cr.execute(
        """
        INSERT INTO spm_credit_monthly (user_id, business_unit_id, company_id, month, amount,
                                        amount_collected, line_count)
        SELECT user_id, business_unit_id, company_id, month, SUM(amount), SUM(amount_collected), COUNT(*)
          FROM spm_credit_line WHERE order_id = ANY(%s)
         GROUP BY 1, 2, 3, 4
    """,
        [order_ids],
    )
    cr.execute("ANALYZE")
    env.invalidate_all()
    ctx["credit_lines"] = credit_count
