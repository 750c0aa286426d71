from . import controllers
from . import models
from . import report
from . import wizards


def uninstall_hook(env):
    """Drop the table the credit engine keeps outside the ORM (see spm.credit.line.init)."""
    env.cr.execute("DROP TABLE IF EXISTS spm_credit_source_lock")
