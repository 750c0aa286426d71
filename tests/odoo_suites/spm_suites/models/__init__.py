from . import spm_credit_issue
from . import spm_credit_line
