from . import spm_incentive_generate
from . import spm_incentive_payroll_export
