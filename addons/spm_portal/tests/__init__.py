from . import test_billing_credit
from . import test_billing_validation
from . import test_billing_file
from . import test_api
from . import test_portal
from . import test_access
from . import test_tour
from . import test_access_matrix
