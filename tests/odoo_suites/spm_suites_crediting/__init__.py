from . import models


def post_init_hook(env):
    """Crediting active for what exists at install; the overrides of
    ``create`` cover what the tests create later."""
    env["res.company"].search([])._spm_suites_add_unit()
    partners = env["res.partner"].with_context(active_test=False).search([("parent_id", "=", False)])
    partners._spm_suites_assign()
