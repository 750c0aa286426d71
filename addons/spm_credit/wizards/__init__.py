from . import spm_credit_report_wizard
