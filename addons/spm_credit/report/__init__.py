from . import spm_achievement_report
from . import spm_achievement_figure
