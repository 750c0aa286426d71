from . import spm_credit_report_wizard
from . import spm_credit_close
