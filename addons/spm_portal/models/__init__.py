from . import res_company
from . import res_config_settings
from . import res_partner
from . import spm_business_unit
from . import spm_secondary_billing
from . import spm_secondary_billing_line
from . import spm_credit_line
from . import spm_credit_issue
