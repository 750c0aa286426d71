import sys

from odoo.addons.spm_suites_baseline.suites import reexport

reexport(sys.modules[__name__])
