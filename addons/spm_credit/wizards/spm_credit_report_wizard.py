from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL, format_date, format_datetime

from ..tools import Formula, XlsxStreamWriter, attainment_percent

# Credit lines fetched at a time while writing the Detail and Adjustments
# sheets: the file grows on disk, the memory used stays that of one chunk.
CHUNK_SIZE = 2000
# Printed as accountants file it: landscape, one page wide, the header on every page.
PRINT_SETUP = {"landscape": True, "fit_to_width": True, "repeat_header": True}


class SpmCreditReportWizard(models.TransientModel):
    """Export the sales credit of a period to an XLSX workbook for accountants.

    The workbook is streamed row by row to a file (see ``tools/xlsx_stream``),
    while the credit lines are read chunk by chunk with the rights of the user,
    so that a whole year of credit exports without loading it in memory and
    everyone exports only the credit their record rules let them read.
    """

    _name = "spm.credit.report.wizard"
    _description = "SPM Credit Report"

    date_from = fields.Date(
        "From",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(month=1, day=1),
    )
    date_to = fields.Date(
        "To",
        required=True,
        default=lambda self: fields.Date.context_today(self) + relativedelta(day=31),
    )
    business_unit_ids = fields.Many2many(
        "spm.business.unit", string="Business Units", help="Leave empty for every unit."
    )
    user_ids = fields.Many2many(
        "res.users",
        string="Salespersons",
        domain=[("share", "=", False)],
        help="Leave empty for every salesperson.",
    )
    company_ids = fields.Many2many(
        "res.company",
        string="Companies",
        default=lambda self: self.env.companies,
        help="Leave empty for every company you are working in.",
    )

    @api.onchange("date_from", "date_to")
    def _onchange_whole_months(self):
        # The summary reads the monthly aggregate: snap the period to whole months.
        if self.date_from:
            self.date_from = self.date_from.replace(day=1)
        if self.date_to:
            self.date_to = self.date_to + relativedelta(day=31)

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(_("The credit report cannot end before it starts."))
            if wizard.date_from.day != 1 or (wizard.date_to + relativedelta(days=1)).day != 1:
                raise ValidationError(
                    _(
                        "The credit report covers whole months: start on the first day of a month and "
                        "end on the last day of a month."
                    )
                )

    def action_export(self):
        """Download the workbook (see the ``/spm_credit/report/<id>`` route); a report of
        many lines is built by the background job instead, and an activity links to it."""
        self.ensure_one()
        lines = self.env["spm.credit.line"].search_count(self._line_domain())
        Export = self.env["spm.credit.report.export"]
        if lines > Export._spm_background_lines():
            Export._spm_queue(self, lines)
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "info",
                    "title": _("The credit report is being built"),
                    "message": _(
                        "%(count)s credit lines: the report is built in the background. "
                        "An activity will link to the file when it is ready.",
                        count=format(lines, ","),
                    ),
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        return {
            "type": "ir.actions.act_url",
            "url": f"/spm_credit/report/{self.id}",
            "target": "download",
        }

    # ------------------------------------------------------------ domains

    def _check_requester(self):
        """Only the user who filled the wizard downloads it."""
        self.ensure_one()
        if not self.env.su and self.create_uid != self.env.user:
            raise AccessError(_("This credit report was prepared by another user."))

    def _common_domain(self):
        domain = [("company_id", "in", (self.company_ids or self.env.companies).ids)]
        if self.business_unit_ids:
            domain.append(("business_unit_id", "in", self.business_unit_ids.ids))
        if self.user_ids:
            domain.append(("user_id", "in", self.user_ids.ids))
        return domain

    def _line_domain(self):
        return self._common_domain() + [("date", ">=", self.date_from), ("date", "<=", self.date_to)]

    def _month_domain(self):
        return self._common_domain() + [
            ("month", ">=", self.date_from.replace(day=1)),
            ("month", "<=", self.date_to.replace(day=1)),
        ]

    def _report_filename(self):
        return f"sales_credit_{self.date_from:%Y%m}_{self.date_to:%Y%m}.xlsx"

    # ------------------------------------------------------------ workbook

    def _write_xlsx(self, output):
        """Write the workbook to ``output`` (a path or a seekable binary file object).

        :return: the totals written: ``{sheet: {"amount": ..., "collected": ..., "rows": ...}}``
        """
        self.ensure_one()
        self._check_requester()
        with XlsxStreamWriter(output, self._xlsx_styles()) as workbook:
            return {
                "summary": self._write_summary_sheet(workbook),
                "detail": self._write_lines_sheet(workbook, _("Detail"), self._line_domain()),
                "adjustments": self._write_lines_sheet(
                    workbook,
                    _("Adjustments"),
                    self._line_domain() + ["|", ("basis", "=", "manual"), ("is_adjustment", "=", True)],
                ),
            }

    def _xlsx_styles(self):
        digits = self.env.company.currency_id.decimal_places
        money = "#,##0" + ("." + "0" * digits if digits else "")
        total = {"bold": True, "top": True}
        return {
            "title": {"bold": True},
            "header": {
                "bold": True,
                "bg_color": "#E9ECEF",
                "bottom": True,
                "text_wrap": True,
                "valign": "top",
            },
            "date": {"num_format": "yyyy-mm-dd"},
            "month": {"num_format": "mmm yyyy"},
            "money": {"num_format": money},
            # Shares and attainments are written as fractions: 0.5 shows 50.00 %.
            "percent": {"num_format": "0.00%"},
            "total_label": total,
            "total_money": {**total, "num_format": money},
            "total_percent": {**total, "num_format": "0.00%"},
        }

    def _header_block(self):
        """The rows above each sheet's table: what the report covers, and who made it when."""

        def names(records, everything):
            return ", ".join(records.mapped("display_name")) if records else everything

        return [
            _("Sales Credit Report"),
            _("Companies: %(names)s", names=names(self.company_ids or self.env.companies, "")),
            _(
                "Period: %(start)s to %(end)s",
                # Whole months (see _check_period), named as months: "January 2027".
                start=format_date(self.env, self.date_from, date_format="MMMM y"),
                end=format_date(self.env, self.date_to, date_format="MMMM y"),
            ),
            _("Business units: %(names)s", names=names(self.business_unit_ids, _("All"))),
            _("Salespersons: %(names)s", names=names(self.user_ids, _("All"))),
            _(
                "Generated on %(when)s by %(user)s",
                when=format_datetime(self.env, fields.Datetime.now()),
                user=self.env.user.name,
            ),
        ]

    def _add_sheet(self, workbook, title, columns):
        """A sheet with the header block, then its header row frozen, filtered and
        printed on every page, ``columns`` being ``[(title, width)]``."""
        block = self._header_block()
        header_row = len(block) + 2  # one empty row between the block and the table
        sheet = workbook.add_sheet(
            title, [width for __, width in columns], header_row=header_row, print_setup=PRINT_SETUP
        )
        for index, text in enumerate(block):
            sheet.append([text], ["title" if index == 0 else None])
        sheet.append([])
        sheet.append([title for title, __ in columns], ["header"] * len(columns))
        sheet.set_autofilter(len(columns) - 1)
        return sheet

    def _write_summary_sheet(self, workbook):
        """Target, achieved (provisional and confirmed), collected, attainment
        and held credit (recorded, not achieved) per salesperson and unit.

        Read from the achievement analysis (the monthly credit aggregate and
        the monthly quotas, one grouped query), whose record rules are those
        of the credit: the summary adds up to the Detail sheet. Attainment is
        blank without a target: no target is not 0 % of one."""
        columns = [
            (_("Salesperson"), 28),
            (_("Salesperson Ref."), 14),
            (_("Business Unit"), 24),
            (_("Company"), 22),
            (_("Currency"), 9),
            (_("Target"), 16),
            (_("Achieved"), 16),
            (_("Provisional"), 16),
            (_("Confirmed"), 16),
            (_("Collected"), 16),
            (_("Attainment"), 12),
            # After the existing columns, which keep their letters.
            (_("Held"), 16),
        ]
        sheet = self._add_sheet(workbook, _("Summary"), columns)
        groups = self.env["spm.achievement.report"]._read_group(
            self._month_domain(),
            ["user_id", "business_unit_id", "company_id"],
            ["target:sum", "achieved:sum", "collected:sum", "held:sum"],
        )
        groups.sort(key=lambda g: (g[0].name or "", g[1].display_name or "", g[2].name or ""))
        by_state = self._credit_by_state()
        styles = (None,) * 5 + ("money",) * 5 + ("percent", "money")
        sums = [Decimal(0)] * 6
        for user, unit, company, target, achieved, collected, held in groups:
            attainment = attainment_percent(achieved, target, no_target=None)
            provisional, confirmed = by_state.get((user.id, unit.id, company.id), (Decimal(0), Decimal(0)))
            names = [user.name or None, user.partner_id.ref or None, unit.display_name or None]
            amounts = (target, achieved, self._round(provisional), self._round(confirmed), collected, held)
            sheet.append(
                [
                    *names,
                    company.name,
                    company.currency_id.name,
                    *amounts[:5],
                    None if attainment is None else attainment / 100,
                    held,
                ],
                styles,
            )
            sums = [s + Decimal(str(v)) for s, v in zip(sums, amounts, strict=True)]
        # Added as decimals: float sums of many amounts drift from the cent.
        totals = [self._round(value) for value in sums]
        target, achieved = totals[:2]
        total_row = sheet.rows + 1
        # Attainment of the total: achieved over target, not a sum of percentages.
        attainment = Formula(
            f'IF(F{total_row}=0,"",G{total_row}/F{total_row})',
            attainment_percent(achieved, target) / 100 if target else "",
        )
        self._append_totals(sheet, {**dict(enumerate(totals[:5], start=5)), 11: totals[5]}, {10: attainment})
        return {
            "target": target,
            "amount": achieved,
            "provisional": totals[2],
            "confirmed": totals[3],
            "collected": totals[4],
            "held": totals[5],
            "rows": len(groups),
        }

    def _credit_by_state(self):
        """``{(user_id, unit_id, company_id): (provisional, confirmed)}`` over the
        period's credit lines the user reads, as exact decimals (summed in
        ``numeric``, read as text). A reversal counts against the state of the
        line it cancels."""
        query = self.env["spm.credit.line"]._search(self._line_domain())
        self.env.cr.execute(
            SQL(
                """
            SELECT l.user_id, l.business_unit_id, l.company_id,
                   COALESCE(SUM(l.amount) FILTER (WHERE COALESCE(r.state, l.state) = 'provisional'), 0)::text,
                   COALESCE(SUM(l.amount) FILTER (WHERE COALESCE(r.state, l.state) = 'confirmed'), 0)::text
              FROM spm_credit_line l
         LEFT JOIN spm_credit_line r ON r.id = l.reversed_line_id
             WHERE l.id IN %s
          GROUP BY 1, 2, 3
            """,
                query.subselect(),
            )
        )
        return {
            (user, unit, company): (Decimal(provisional), Decimal(confirmed))
            for user, unit, company, provisional, confirmed in self.env.cr.fetchall()
        }

    def _append_totals(self, sheet, sums_by_col, extra_cells=None):
        """A SUBTOTAL row under the data (it follows the autofilter), with the
        totals also stored as the formulas' cached values."""
        first_row, last_row = sheet.header_row + 1, sheet.rows
        values = [_("Total")] + [None] * (len(sheet.columns) - 1)
        styles = ["total_label"] * len(sheet.columns)
        for col, value in sums_by_col.items():
            letter = sheet.columns[col]
            # With no data row, a formula would only refer to the header.
            values[col] = (
                Formula(f"SUBTOTAL(9,{letter}{first_row}:{letter}{last_row})", value)
                if last_row >= first_row
                else value
            )
            styles[col] = "total_money"
        for col, value in (extra_cells or {}).items():
            values[col] = value
            styles[col] = "total_percent"
        sheet.append(values, styles)

    def _fetch_line_rows(self, domain):
        """Yield the credit lines of ``domain`` readable by the user, in id
        order, as lists of rows in the order of the Detail sheet's columns, one
        chunk in memory at a time.

        The lines are selected by the ORM (``_search`` applies the user's record
        rules) and read with their names by one SQL query through a database
        cursor: one query whatever the number of lines, read chunk by chunk.
        """
        Line = self.env["spm.credit.line"]
        lang = self.env.lang or "en_US"

        def label_of(fname):
            # The selection's labels in the user's language, as the list view shows them.
            column = SQL.identifier("l", fname)
            selection = Line._fields[fname]._description_selection(self.env)
            whens = SQL(" ").join(SQL("WHEN %s THEN %s", key, label) for key, label in selection)
            return SQL("CASE %s %s ELSE %s END", column, whens, column)

        partner_fields = {
            f"partner_{index}": fname for index, (__, __, fname) in enumerate(self._line_partner_columns())
        }
        cr = self.env.cr
        cr.execute(
            SQL(
                """
            DECLARE spm_credit_report NO SCROLL CURSOR FOR
            SELECT l.id, l.date, l.month, NULLIF(l.origin, ''),
                   up.name, NULLIF(up.ref, ''), COALESCE(bu.name->>%(lang)s, bu.name->>'en_US'), co.name,
                   %(partners)s,
                   COALESCE('[' || pp.default_code || '] ', '')
                       || COALESCE(pt.name->>%(lang)s, pt.name->>'en_US'),
                   %(basis)s, %(kind)s, %(state)s, cur.name,
                   -- amount = base x share: an overlay earns the whole base, an adjustment has neither
                   CASE WHEN l.kind != 'manual'
                        THEN COALESCE(l.base_amount, CASE WHEN l.kind = 'overlay' THEN l.amount END) END,
                   CASE l.kind WHEN 'split' THEN l.share / 100.0 WHEN 'overlay' THEN 1.0 END,
                   COALESCE(l.amount, 0), COALESCE(l.amount_collected, 0),
                   CASE WHEN l.is_adjustment THEN %(yes)s ELSE %(no)s END,
                   l.reversed_line_id, NULLIF(l.reason, '')
              FROM spm_credit_line l
              JOIN res_users u ON u.id = l.user_id
              JOIN res_partner up ON up.id = u.partner_id
              JOIN spm_business_unit bu ON bu.id = l.business_unit_id
              JOIN res_company co ON co.id = l.company_id
              JOIN res_currency cur ON cur.id = co.currency_id
         %(partner_joins)s
         LEFT JOIN product_product pp ON pp.id = l.product_id
         LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE l.id IN %(ids)s
          ORDER BY l.id
            """,
                lang=lang,
                partners=SQL(", ").join(SQL.identifier(alias, "complete_name") for alias in partner_fields),
                partner_joins=SQL(" ").join(
                    SQL(
                        "LEFT JOIN res_partner %s ON %s = %s",
                        SQL.identifier(alias),
                        SQL.identifier(alias, "id"),
                        SQL.identifier("l", fname),
                    )
                    for alias, fname in partner_fields.items()
                ),
                basis=label_of("basis"),
                kind=label_of("kind"),
                state=label_of("state"),
                yes=_("Yes"),
                no=_("No"),
                ids=Line._search(domain).subselect(),
            )
        )
        while True:
            cr.execute(SQL("FETCH %s FROM spm_credit_report", CHUNK_SIZE))
            rows = cr.fetchall()
            if rows:
                yield rows
            if len(rows) < CHUNK_SIZE:
                break
        cr.execute(SQL("CLOSE spm_credit_report"))

    def _line_partner_columns(self):
        """The partners of the Detail and Adjustments sheets' lines, after the
        company: ``[(title, width, many2one field of spm.credit.line)]`` (the
        portal adds the distributor)."""
        return [(_("Customer"), 28, "partner_id")]

    def _write_lines_sheet(self, workbook, title, domain):
        columns = [
            (_("Line"), 9),
            (_("Date"), 11),
            (_("Month"), 10),
            (_("Document"), 18),
            (_("Salesperson"), 24),
            (_("Salesperson Ref."), 14),
            (_("Business Unit"), 20),
            (_("Company"), 18),
            *((title, width) for title, width, __ in self._line_partner_columns()),
            (_("Product"), 28),
            (_("Basis"), 14),
            (_("Kind"), 11),
            (_("State"), 12),
            (_("Currency"), 9),
            (_("Base Amount"), 14),
            (_("Share"), 9),
            (_("Amount"), 14),
            (_("Collected"), 14),
            (_("Adjustment"), 11),
            (_("Corrects"), 9),
            (_("Reason"), 40),
        ]
        sheet = self._add_sheet(workbook, title, columns)
        # The collected amount, the adjustment flag, the line corrected and the reason follow the amount.
        amount_col = len(columns) - 5
        styles = (None, "date", "month") + (None,) * (amount_col - 5) + ("money", "percent", "money", "money")
        count = 0
        for rows in self._fetch_line_rows(domain):
            for row in rows:
                sheet.append(row, styles)
            count += len(rows)
        # Summed in SQL (numeric) over the same lines and snapshot: float sums of many amounts drift.
        [(amount_total, collected_total)] = self.env["spm.credit.line"]._read_group(
            domain, [], ["amount:sum", "amount_collected:sum"]
        )
        amount_total, collected_total = (
            self._round(Decimal(str(value or 0.0))) for value in (amount_total, collected_total)
        )
        self._append_totals(sheet, {amount_col: amount_total, amount_col + 1: collected_total})
        return {"amount": amount_total, "collected": collected_total, "rows": count}

    def _round(self, value):
        """The decimal ``value`` rounded to the currency, as the float a cell holds
        (``currency.round`` works on floats, and is off by cents above trillions)."""
        step = Decimal(str(self.env.company.currency_id.rounding))
        return float((value / step).to_integral_value(ROUND_HALF_UP) * step)
