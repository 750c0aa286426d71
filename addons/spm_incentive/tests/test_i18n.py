from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader


@tagged("post_install", "-at_install")
class TestIncentiveTranslationTemplate(TransactionCase):
    """``i18n/spm_incentive.pot`` holds every term of the addon (regenerate with
    ``odoo-bin --i18n-export=addons/spm_incentive/i18n/spm_incentive.pot --modules=spm_incentive``)."""

    def test_every_term_is_in_the_template(self):
        pot = Path(__file__).resolve().parents[1] / "i18n" / "spm_incentive.pot"
        shipped = {entry.msgid for entry in polib.pofile(str(pot))}
        reader = TranslationModuleReader(self.env.cr, modules=["spm_incentive"])
        missing = sorted({row[4] for row in reader if row[4]} - shipped)
        self.assertFalse(missing, f"{len(missing)} terms missing from {pot.name}: {missing[:5]}")
