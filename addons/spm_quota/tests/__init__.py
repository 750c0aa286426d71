from . import test_allocation
from . import test_business_unit_resolver
from . import test_assignment_shares
from . import test_share_resolver
from . import test_assignment_reassign
from . import test_quota_distribution
from . import test_quota_split
from . import test_quota_access
