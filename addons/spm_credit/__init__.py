from odoo.tools import SQL

from . import controllers
from . import models
from . import report
from . import wizards


def uninstall_hook(env):
    """Drop the table the credit engine keeps outside the ORM (see spm.credit.engine.init)."""
    env.cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier("spm_credit_source_lock")))
