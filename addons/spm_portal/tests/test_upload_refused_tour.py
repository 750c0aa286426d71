from odoo.tests import tagged

from .http_common import SpmPortalHttpCase


@tagged("post_install", "-at_install")
class TestUploadRefusedTour(SpmPortalHttpCase):
    def test_refused_file_is_kept_in_the_form(self):
        self.start_tour(
            "/my/secondary-sales/upload", "spm_portal_upload_refused_tour", login=self.portal_a.login
        )
        self.assertFalse(self.Billing.search_count([("distributor_id", "=", self.distributor_a.id)]))
