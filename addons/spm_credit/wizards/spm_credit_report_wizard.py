import datetime

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

MANY2ONE_COLUMNS = ("user_id", "business_unit_id", "company_id", "partner_id", "distributor_id", "product_id")
# Credit lines read per query while writing the Detail and Adjustments sheets:
# the file grows on disk, the memory used stays that of one chunk.
CHUNK_SIZE = 2000


class SpmCreditReportWizard(models.TransientModel):
    """Export the sales credit of a period to an XLSX workbook for accountants.

    The workbook is written with xlsxwriter in constant memory mode to a file,
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
        """Download the workbook (see the ``/spm_credit/report/<id>`` route)."""
        self.ensure_one()
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
        """Write the workbook to ``output`` (a path or a binary file object).

        :return: the totals written: ``{sheet: {"amount": ..., "collected": ..., "rows": ...}}``
        """
        import xlsxwriter

        self.ensure_one()
        self._check_requester()
        workbook = xlsxwriter.Workbook(
            output,
            {
                "constant_memory": True,
                # Belt and braces: every text goes through write_string anyway.
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "default_date_format": "yyyy-mm-dd",
            },
        )
        try:
            formats = self._xlsx_formats(workbook)
            totals = {
                "summary": self._write_summary_sheet(workbook, formats),
                "detail": self._write_lines_sheet(workbook, formats, _("Detail"), self._line_domain()),
                "adjustments": self._write_lines_sheet(
                    workbook,
                    formats,
                    _("Adjustments"),
                    self._line_domain() + ["|", ("basis", "=", "manual"), ("is_adjustment", "=", True)],
                ),
            }
        finally:
            workbook.close()
        return totals

    def _xlsx_formats(self, workbook):
        digits = self.env.company.currency_id.decimal_places
        money = "#,##0" + ("." + "0" * digits if digits else "")
        return {
            "header": workbook.add_format(
                {
                    "bold": True,
                    "bg_color": "#E9ECEF",
                    "bottom": 1,
                    "text_wrap": True,
                    "valign": "top",
                }
            ),
            "text": workbook.add_format({}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "month": workbook.add_format({"num_format": "mmm yyyy"}),
            "money": workbook.add_format({"num_format": money}),
            "percent": workbook.add_format({"num_format": "0.00"}),
            "total_label": workbook.add_format({"bold": True, "top": 1}),
            "total_money": workbook.add_format({"bold": True, "top": 1, "num_format": money}),
            "total_percent": workbook.add_format({"bold": True, "top": 1, "num_format": "0.00"}),
        }

    @staticmethod
    def _write_header(sheet, formats, columns):
        for col, (title, width) in enumerate(columns):
            sheet.set_column(col, col, width)
            sheet.write_string(0, col, title, formats["header"])
        sheet.freeze_panes(1, 0)

    @staticmethod
    def _write_text(sheet, row, col, value, cell_format=None):
        # Never write(): a customer called "=HYPERLINK(...)" must stay a text.
        if value:
            sheet.write_string(row, col, str(value), cell_format)
        else:
            sheet.write_blank(row, col, None, cell_format)

    def _write_summary_sheet(self, workbook, formats):
        """Target, achieved, collected and attainment per salesperson and unit.

        Read from the achievement analysis (the monthly credit aggregate and
        the monthly quotas, one grouped query), whose record rules are those
        of the credit: the summary adds up to the Detail sheet."""
        sheet = workbook.add_worksheet(_("Summary"))
        columns = [
            (_("Salesperson"), 28),
            (_("Business Unit"), 24),
            (_("Company"), 22),
            (_("Target"), 16),
            (_("Achieved"), 16),
            (_("Collected"), 16),
            (_("Attainment (%)"), 14),
        ]
        self._write_header(sheet, formats, columns)
        groups = self.env["spm.achievement.report"]._read_group(
            self._month_domain(),
            ["user_id", "business_unit_id", "company_id"],
            ["target:sum", "achieved:sum", "collected:sum"],
        )
        figures = {
            (user, unit, company): (target, achieved, collected)
            for user, unit, company, target, achieved, collected in groups
        }
        keys = sorted(figures, key=lambda k: (k[0].name or "", k[1].display_name or "", k[2].name or ""))
        row = 0
        sums = [0.0, 0.0, 0.0]
        for key in keys:
            row += 1
            target, achieved, collected = figures[key]
            for col, record in enumerate(key):
                self._write_text(sheet, row, col, record.display_name)
            for col, value in enumerate((target, achieved, collected), start=3):
                sheet.write_number(row, col, value, formats["money"])
            sheet.write_number(row, 6, achieved * 100.0 / target if target else 0.0, formats["percent"])
            sums = [s + v for s, v in zip(sums, (target, achieved, collected), strict=True)]
        # Float sums of many amounts drift: store what the currency would show.
        sums = [self._round(value) for value in sums]
        self._write_totals_row(sheet, formats, row, {3: sums[0], 4: sums[1], 5: sums[2]})
        # Attainment of the total: achieved over target, not a sum of percentages.
        total_row = row + 1
        sheet.write_formula(
            total_row,
            6,
            f"=IF(D{total_row + 1}=0,0,E{total_row + 1}*100/D{total_row + 1})",
            formats["total_percent"],
            sums[1] * 100.0 / sums[0] if sums[0] else 0.0,
        )
        sheet.autofilter(0, 0, row, len(columns) - 1)
        return {"target": sums[0], "amount": sums[1], "collected": sums[2], "rows": row}

    def _write_totals_row(self, sheet, formats, last_row, sums_by_col):
        """A SUBTOTAL row under the data (it follows the autofilter), with
        the totals also stored as the formulas' cached values."""
        total_row = last_row + 1
        sheet.write_string(total_row, 0, _("Total"), formats["total_label"])
        for col, value in sums_by_col.items():
            if not last_row:
                # No data row to add up (a formula would refer to itself).
                sheet.write_number(total_row, col, value, formats["total_money"])
                continue
            letter = self._column_letter(col)
            formula = f"=SUBTOTAL(9,{letter}2:{letter}{last_row + 1})"
            sheet.write_formula(total_row, col, formula, formats["total_money"], value)

    @staticmethod
    def _column_letter(col):
        letters = ""
        col += 1
        while col:
            col, remainder = divmod(col - 1, 26)
            letters = chr(65 + remainder) + letters
        return letters

    def _iter_lines(self, domain):
        """Yield the values of the credit lines of ``domain`` readable by the
        user, in id order, one chunk in memory at a time.

        The lines are selected by the ORM (``_search`` applies the user's record
        rules) and read with their names in one SQL query per chunk: the ORM's
        read of the same columns costs several times more than writing them.
        """
        Line = self.env["spm.credit.line"]
        lang = self.env.lang or "en_US"
        product_name = SQL(
            "COALESCE('[' || pp.default_code || '] ', '') || COALESCE(pt.name->>%s, pt.name->>'en_US')", lang
        )
        last_id = 0
        while True:
            ids = Line._search(domain + [("id", ">", last_id)], order="id", limit=CHUNK_SIZE)
            self.env.cr.execute(
                SQL(
                    """
                SELECT l.id, l.date, l.month, l.origin,
                       l.user_id, up.name, l.business_unit_id, COALESCE(bu.name->>%s, bu.name->>'en_US'),
                       l.company_id, co.name, l.partner_id, cp.complete_name,
                       l.distributor_id, dp.complete_name, l.product_id, %s,
                       l.basis, l.state, l.share, l.amount, l.amount_collected, l.is_adjustment,
                       l.reversed_line_id, l.reason
                  FROM spm_credit_line l
                  JOIN res_users u ON u.id = l.user_id
                  JOIN res_partner up ON up.id = u.partner_id
                  JOIN spm_business_unit bu ON bu.id = l.business_unit_id
                  JOIN res_company co ON co.id = l.company_id
             LEFT JOIN res_partner cp ON cp.id = l.partner_id
             LEFT JOIN res_partner dp ON dp.id = l.distributor_id
             LEFT JOIN product_product pp ON pp.id = l.product_id
             LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE l.id IN %s
              ORDER BY l.id
                """,
                    lang,
                    product_name,
                    ids.subselect(),
                )
            )
            rows = self.env.cr.fetchall()
            for row in rows:
                yield {
                    "id": row[0],
                    "date": row[1],
                    "month": row[2],
                    "origin": row[3],
                    **{
                        fname: (row[4 + 2 * i], row[5 + 2 * i]) if row[4 + 2 * i] else False
                        for i, fname in enumerate(MANY2ONE_COLUMNS)
                    },
                    "basis": row[16],
                    "state": row[17],
                    "share": row[18],
                    "amount": row[19],
                    "amount_collected": row[20],
                    "is_adjustment": row[21],
                    "reversed_line_id": (row[22],) if row[22] else False,
                    "reason": row[23],
                }
            if len(rows) < CHUNK_SIZE:
                return
            last_id = rows[-1][0]

    def _write_lines_sheet(self, workbook, formats, title, domain):
        sheet = workbook.add_worksheet(title)
        columns = [
            (_("Line"), 9),
            (_("Date"), 11),
            (_("Month"), 10),
            (_("Document"), 18),
            (_("Salesperson"), 24),
            (_("Business Unit"), 20),
            (_("Company"), 18),
            (_("Customer"), 28),
            (_("Distributor"), 24),
            (_("Product"), 28),
            (_("Basis"), 14),
            (_("State"), 12),
            (_("Share (%)"), 9),
            (_("Amount"), 14),
            (_("Collected"), 14),
            (_("Adjustment"), 11),
            (_("Corrects"), 9),
            (_("Reason"), 40),
        ]
        self._write_header(sheet, formats, columns)
        Line = self.env["spm.credit.line"]
        basis_labels = dict(Line._fields["basis"]._description_selection(self.env))
        state_labels = dict(Line._fields["state"]._description_selection(self.env))
        row, amount_total, collected_total = 0, 0.0, 0.0
        for line in self._iter_lines(domain):
            row += 1
            sheet.write_number(row, 0, line["id"])
            self._write_date(sheet, row, 1, line["date"], formats["date"])
            self._write_date(sheet, row, 2, line["month"], formats["month"])
            self._write_text(sheet, row, 3, line["origin"])
            for col, fname in enumerate(MANY2ONE_COLUMNS, start=4):
                self._write_text(sheet, row, col, line[fname] and line[fname][1])
            self._write_text(sheet, row, 10, basis_labels.get(line["basis"], line["basis"]))
            self._write_text(sheet, row, 11, state_labels.get(line["state"], line["state"]))
            sheet.write_number(row, 12, line["share"] or 0.0, formats["percent"])
            sheet.write_number(row, 13, line["amount"] or 0.0, formats["money"])
            sheet.write_number(row, 14, line["amount_collected"] or 0.0, formats["money"])
            sheet.write_boolean(row, 15, bool(line["is_adjustment"]))
            if line["reversed_line_id"]:
                sheet.write_number(row, 16, line["reversed_line_id"][0])
            else:
                sheet.write_blank(row, 16, None)
            self._write_text(sheet, row, 17, line["reason"])
            amount_total += line["amount"] or 0.0
            collected_total += line["amount_collected"] or 0.0
        amount_total, collected_total = self._round(amount_total), self._round(collected_total)
        self._write_totals_row(sheet, formats, row, {13: amount_total, 14: collected_total})
        sheet.autofilter(0, 0, row, len(columns) - 1)
        return {"amount": amount_total, "collected": collected_total, "rows": row}

    def _round(self, value):
        return self.env.company.currency_id.round(value)

    @staticmethod
    def _write_date(sheet, row, col, value, cell_format):
        if value:
            value = fields.Date.to_date(value)
            sheet.write_datetime(row, col, datetime.datetime.combine(value, datetime.time()), cell_format)
        else:
            sheet.write_blank(row, col, None, cell_format)
