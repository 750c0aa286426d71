from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

ADDONS = ("spm_quota", "spm_credit", "spm_portal")


@tagged("post_install", "-at_install")
class TestTranslationTemplates(TransactionCase):
    """Each addon ships ``i18n/<addon>.pot`` as Odoo's export writes it: a term
    added to the code, the views or the data and missing there fails here
    (regenerate with ``odoo-bin --i18n-export=addons/X/i18n/X.pot --modules=X``)."""

    def test_every_term_is_in_the_template(self):
        for addon in ADDONS:
            with self.subTest(addon=addon):
                pot = Path(__file__).resolve().parents[2] / addon / "i18n" / f"{addon}.pot"
                self.assertTrue(pot.is_file(), f"{addon} ships {pot.name}")
                shipped = {entry.msgid for entry in polib.pofile(str(pot))}
                reader = TranslationModuleReader(self.env.cr, modules=[addon])
                exported = {row[4] for row in reader if row[4]}
                missing = sorted(exported - shipped)
                self.assertFalse(missing, f"{len(missing)} terms missing from {pot.name}: {missing[:5]}")
