from . import spm_assignment_reassign
from . import spm_quota_split
from . import spm_assignment_split
