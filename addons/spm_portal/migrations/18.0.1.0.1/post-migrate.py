"""The Greek lunate sigma symbols (Ϲ, ϲ) are the Latin C they look like in bill
numbers' keys since 18.0.1.0.1 (NFKC alone made them σ): the keys stored the old
way are computed again."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["spm.secondary.billing"]._spm_recompute_bill_number_keys(["\u03f9", "\u03f2"])
