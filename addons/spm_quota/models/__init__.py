from . import spm_unit_scoped_mixin
from . import spm_business_unit
from . import spm_assignment
from . import spm_seasonality_profile
from . import spm_quota
from . import spm_quota_line
from . import res_partner
