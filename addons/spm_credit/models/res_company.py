from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError

# A close checks at most this many months (the latest), whatever its span.
MAX_CLOSE_MONTHS = 24


class ResCompany(models.Model):
    _inherit = "res.company"

    spm_credit_lock_date = fields.Date(
        "Sales Credit Lock Date",
        help="Credit lines dated on or before this date can no longer be created, changed or deleted; "
        "later events that concern a locked period are credited in the first open month as adjustments.",
    )

    def write(self, vals):
        # Superuser writes are the close's own (_spm_close_credit_period) and the server's.
        if "spm_credit_lock_date" not in vals or self.env.su:
            return super().write(vals)
        self._spm_check_credit_lock_admin()
        # Settings and RPC writes go through the same check as the close wizard,
        # without a reason: with incomplete distributors they are refused.
        new_date = fields.Date.to_date(vals["spm_credit_lock_date"])
        moved = self.filtered(lambda company: company.spm_credit_lock_date != new_date)
        for company in moved:
            if company._spm_credit_close_blockers(company.spm_credit_lock_date, new_date):
                raise UserError(
                    _(
                        "Some distributors of %(company)s have not reported the months you close. "
                        "Use Close Credit Period to see them and close anyway with a reason.",
                        company=company.display_name,
                    )
                )
        previous = {company: company.spm_credit_lock_date for company in moved}
        result = super().write(vals)
        for company, date_from in previous.items():
            company._spm_log_credit_lock(date_from, new_date, False, 0)
        return result

    def _spm_check_credit_lock_admin(self):
        if not self.env.su and not self.env.user.has_group("spm_quota.group_spm_admin"):
            raise AccessError(_("Only SPM administrators can move the sales credit lock date."))

    def _spm_closed_months(self, date_from, date_to):
        """The first days of the months a move of the lock date from ``date_from``
        to ``date_to`` closes: those whose last day it passes (the latest
        MAX_CLOSE_MONTHS of them)."""
        if not date_to or (date_from and date_to <= date_from):
            return []
        month = date_to.replace(day=1)
        if date_to != month + relativedelta(months=1, days=-1):
            month -= relativedelta(months=1)
        months = []
        while len(months) < MAX_CLOSE_MONTHS and (
            not date_from or month + relativedelta(months=1, days=-1) > date_from
        ):
            months.append(month)
            month -= relativedelta(months=1)
        return months[::-1]

    def _spm_credit_close_blockers(self, date_from, date_to):
        """What should be complete before the lock date moves from ``date_from``
        to ``date_to`` and is not: ``{partner: [first days of months]}``
        (extended by the addons that know what must be reported)."""
        self.ensure_one()
        return {}

    def _spm_close_credit_period(self, date_to, reason=False):
        """Move this company's lock date to ``date_to`` after the close check:
        with blockers, only with a ``reason``, kept in the lock history's chatter."""
        self.ensure_one()
        self._spm_check_credit_lock_admin()
        date_to = fields.Date.to_date(date_to)
        if not date_to:
            raise UserError(_("Choose the date to lock the sales credit on."))
        reason = (reason or "").strip()
        if len(reason) > 2000:
            raise UserError(_("The reason is too long (2,000 characters at most)."))
        date_from = self.spm_credit_lock_date
        blockers = self._spm_credit_close_blockers(date_from, date_to)
        if blockers and not reason:
            raise UserError(
                _(
                    "%(count)s distributors have not reported the months you close: give a reason "
                    "to close anyway.",
                    count=len(blockers),
                )
            )
        self.sudo().write({"spm_credit_lock_date": date_to})
        return self._spm_log_credit_lock(date_from, date_to, reason, len(blockers))

    def _spm_log_credit_lock(self, date_from, date_to, reason, incomplete_count):
        self.ensure_one()
        lock = (
            self.env["spm.credit.lock"]
            .sudo()
            .create(
                {
                    "company_id": self.id,
                    "date_from": date_from,
                    "date_to": date_to,
                    "user_id": self.env.uid,
                    "reason": reason or False,
                    "incomplete_count": incomplete_count,
                }
            )
        )
        if reason:
            lock.message_post(
                body=Markup("<p>%s</p><p>%s</p>")
                % (
                    _(
                        "Closed with %(count)s incomplete distributors:",
                        count=incomplete_count,
                    ),
                    reason,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return lock
