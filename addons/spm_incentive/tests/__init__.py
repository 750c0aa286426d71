from . import test_payout
from . import test_plan_versions
from . import test_earnings
from . import test_statement_workflow
from . import test_clawback
from . import test_incentive_access
from . import test_payout_export
from . import test_i18n
