from . import spm_incentive_plan
from . import spm_incentive_plan_version
from . import spm_incentive_plan_tier
from . import spm_incentive_plan_weight
from . import spm_incentive_plan_assignment
from . import spm_incentive_spif
from . import spm_incentive_statement
from . import spm_incentive_statement_line
