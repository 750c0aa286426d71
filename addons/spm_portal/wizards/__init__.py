from . import spm_secondary_billing_reject
