from . import spm_incentive_generate
