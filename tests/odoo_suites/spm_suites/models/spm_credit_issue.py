import logging

from odoo import api, models

_logger = logging.getLogger(__name__)


class SpmCreditIssue(models.Model):
    _inherit = "spm.credit.issue"

    @api.model
    def _sync_issues(self, sources, issues):
        created = super()._sync_issues(sources, issues)
        if created:
            _logger.info("spm_suites: %d credit issues opened", len(created))
        return created
