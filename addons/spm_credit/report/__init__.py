from . import spm_achievement_report
