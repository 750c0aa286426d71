import difflib
import re

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from odoo.addons.spm_quota.tools import is_trusted, trusted

from ..tools.master_keys import product_code_key

MAX_PRODUCT_CODE = 128
# Distributor's units in one of ours: a pack of more than this is a typing error.
MAX_QUANTITY_FACTOR = 100_000
# _spm_propose: the codes it looks at, the products it compares them with, suggestions per code.
MAX_PROPOSE_CODES = 200
MAX_PROPOSE_PRODUCTS = 5000
MAX_SUGGESTIONS = 5
# A name's similarity (difflib's ratio) from which it is suggested.
MIN_NAME_SIMILARITY = 0.5
# Pack sizes in a product's name or code: "10 strips", "strip of 10", "x10", "10's", "10s"
# (a unit in the singular is no pack: "500 strip" is a strength and a unit).
PACK_SIZE = re.compile(
    r"(?:\b(?:box|pack|strip|bottle|case)\s+of\s+(\d+))"
    r"|(?:\bx\s*(\d+)\b)"
    r"|(?:\b(\d+)\s*(?:'s\b|s\b|strips\b|tabs\b|tablets\b|caps\b|capsules\b|pcs\b|pieces\b"
    r"|units\b|nos\b|sachets\b|vials\b))",
    re.IGNORECASE,
)
NOT_ALPHANUMERIC = re.compile(r"[\W_]+")


def pack_size(text):
    """The pack size a product's name or code states (10 for "Amoxicillin x10"), else None."""
    match = PACK_SIZE.search(text or "")
    if not match:
        return None
    size = int(next(group for group in match.groups() if group))
    return size or None


def name_key(text):
    """A product's name as names are compared: letters and digits, lower case."""
    return " ".join(NOT_ALPHANUMERIC.sub(" ", (text or "").casefold()).split())


# The state of a mapping and who confirmed it change only through its confirmation methods.
MAP_WORKFLOW_FIELDS = {"state", "confirmed_by_id", "confirmed_date"}
MAP_WORKFLOW_FLAG = "spm_product_map_workflow"
# A change of what a mapping says asks for a new confirmation.
MAP_CONTENT_FIELDS = {"distributor_id", "distributor_code", "product_id", "quantity_factor"}


class SpmDistributorProductMap(models.Model):
    """A distributor's own product code or name, mapped to one of our products.

    The billing checker reads a code that is not ours in the distributor's
    confirmed mappings: its quantity is divided by ``quantity_factor`` (the
    distributor's units in one of ours: 10 when the distributor sells strips
    of a box of 10) and its unit price multiplied by it, the line's amount
    unchanged.
    """

    _name = "spm.distributor.product.map"
    _description = "Distributor's Product Code"
    _order = "distributor_id, distributor_code, id"
    _rec_name = "distributor_code"

    distributor_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        ondelete="cascade",
        domain=[("is_distributor", "=", True), ("parent_id", "=", False)],
    )
    distributor_code = fields.Char(
        "Distributor's Code or Name",
        required=True,
        help="The product as the distributor's bills name it: its item code or its item name.",
    )
    code_key = fields.Char(compute="_compute_code_key", store=True, index=True)
    product_id = fields.Many2one(
        "product.product", required=True, ondelete="cascade", domain=[("sale_ok", "=", True)]
    )
    distributor_uom_name = fields.Char(
        "Distributor's Unit", help="The unit the distributor counts in, e.g. strip (for the reader)."
    )
    quantity_factor = fields.Float(
        "Distributor's Units per Unit",
        digits=(16, 4),
        required=True,
        default=1.0,
        help="How many of the distributor's units make one of the product's: 10 when the distributor "
        "sells strips and the product is a box of 10 strips. Quantities are divided by it, unit prices "
        "multiplied by it.",
    )
    state = fields.Selection(
        [("proposed", "Proposed"), ("confirmed", "Confirmed")],
        default="proposed",
        required=True,
        readonly=True,
        index=True,
    )
    confirmed_by_id = fields.Many2one("res.users", readonly=True)
    confirmed_date = fields.Datetime("Confirmed On", readonly=True)

    _sql_constraints = [
        (
            "distributor_code_uniq",
            "unique(distributor_id, code_key)",
            "A distributor's product code is mapped to one product only.",
        ),
    ]

    @api.depends("distributor_code")
    def _compute_code_key(self):
        for mapping in self:
            mapping.code_key = product_code_key(mapping.distributor_code) or False

    @api.constrains("distributor_id", "distributor_code", "quantity_factor", "product_id")
    def _check_mapping(self):
        for mapping in self:
            if not mapping.distributor_id.is_distributor:
                raise ValidationError(
                    _("%(partner)s is not a distributor.", partner=mapping.distributor_id.display_name)
                )
            if not mapping.code_key:
                raise ValidationError(_("The distributor's product code is missing."))
            if len(mapping.distributor_code) > MAX_PRODUCT_CODE:
                raise ValidationError(
                    _(
                        "A distributor's product code has at most %(limit)s characters.",
                        limit=MAX_PRODUCT_CODE,
                    )
                )
            if not 0 < mapping.quantity_factor <= MAX_QUANTITY_FACTOR:
                raise ValidationError(
                    _(
                        "The distributor's units per unit must be above 0 and at most %(limit)s.",
                        limit=format(MAX_QUANTITY_FACTOR, ","),
                    )
                )
            if not mapping.product_id.sale_ok:
                raise ValidationError(
                    _("%(product)s cannot be sold.", product=mapping.product_id.display_name)
                )

    # ------------------------------------------------------------ ORM

    @api.model_create_multi
    def create(self, vals_list):
        if is_trusted(self.env, MAP_WORKFLOW_FLAG):
            return super().create(vals_list)
        for vals in vals_list:
            self._check_workflow_vals(vals)
        # Nor through defaults: a client's context may carry default_state.
        defaults = {f"default_{name}" for name in MAP_WORKFLOW_FIELDS} & set(self.env.context)
        if defaults:
            context = {k: v for k, v in self.env.context.items() if k not in defaults}
            return self.with_env(self.env(context=context)).create(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        if is_trusted(self.env, MAP_WORKFLOW_FLAG):
            return super().write(vals)
        self._check_workflow_vals(vals)
        result = super().write(vals)
        changed = self.filtered(lambda m: m.state == "confirmed") if MAP_CONTENT_FIELDS & set(vals) else []
        if changed:
            changed._write_workflow({"state": "proposed", "confirmed_by_id": False, "confirmed_date": False})
        return result

    def _check_workflow_vals(self, vals):
        if MAP_WORKFLOW_FIELDS & set(vals):
            raise AccessError(_("A product code mapping is confirmed only with its Confirm button."))

    def _write_workflow(self, vals):
        with trusted(self.env, MAP_WORKFLOW_FLAG):
            return self.sudo().write(vals)

    # ------------------------------------------------------------ confirmation

    def action_confirm(self):
        """Confirm these mappings (managers): billings then use them."""
        if not self.env.su and not self.env.user.has_group("spm_quota.group_spm_manager"):
            raise AccessError(_("Only sales performance managers confirm product code mappings."))
        self.check_access("write")
        self._write_workflow(
            {"state": "confirmed", "confirmed_by_id": self.env.uid, "confirmed_date": fields.Datetime.now()}
        )
        return True

    @api.model
    def _spm_confirm_for_distributor(self, distributor, code, product, quantity_factor, uom_name=""):
        """Map and confirm ``code`` for ``distributor`` (its portal user's choice,
        checked by the caller: the product is one the distributor may report);
        an earlier mapping of the code is replaced. Return the mapping."""
        distributor = distributor.commercial_partner_id
        Map = self.sudo()
        mapping = Map.search(
            [("distributor_id", "=", distributor.id), ("code_key", "=", product_code_key(code))], limit=1
        )
        vals = {
            "distributor_code": " ".join(code.split()),
            "product_id": product.id,
            "quantity_factor": quantity_factor,
            "distributor_uom_name": uom_name or False,
        }
        if mapping:
            mapping.write(vals)
        else:
            mapping = Map.create({"distributor_id": distributor.id, **vals})
        mapping._write_workflow(
            {"state": "confirmed", "confirmed_by_id": self.env.uid, "confirmed_date": fields.Datetime.now()}
        )
        return mapping

    # ------------------------------------------------------------ suggestions

    @api.model
    def _spm_propose(self, distributor, codes):
        """Suggest our products for a distributor's product codes or names that are
        neither ours nor mapped (the upload's dry run lists them as new mappings
        proposed; the portal's mapping page offers them).

        The suggestions of a code, best first: the product whose internal reference
        is the code (case ignored) or whose barcode it is; the products other
        distributors mapped the same code to (their factor; not who they are); the
        products of a similar name. Each carries a proposed factor: the pack size in
        our product's name over the pack size in the code ("Amoxicillin strip"
        against "Amoxicillin box of 10 strips": 10), else the other distributors'.

        :param distributor: the distributor (any of its contacts)
        :param codes: the texts as its bills give them; the first MAX_PROPOSE_CODES
            distinct ones are looked at
        :return: ``{code: [{"product", "reason", "score", "quantity_factor"}]}``,
            at most MAX_SUGGESTIONS per code, only the products the distributor
            may report; nothing is created
        """
        distributor = distributor.commercial_partner_id
        texts = list(dict.fromkeys(" ".join(str(c).split()) for c in codes if c and str(c).strip()))
        texts = [t for t in texts if len(t) <= MAX_PRODUCT_CODE][:MAX_PROPOSE_CODES]
        if not texts:
            return {}
        products = (
            self.env["product.product"]
            .sudo()
            .with_context(active_test=True)
            .search(
                [
                    *distributor._spm_reportable_products_domain(),
                    ("company_id", "in", [False, self.env.company.id]),
                ],
                order="default_code, id",
                limit=MAX_PROPOSE_PRODUCTS,
            )
        )
        by_reference = {p.default_code.casefold(): p for p in products if p.default_code}
        by_barcode = {p.barcode: p for p in products if p.barcode}
        by_name = {}
        for product in products:
            by_name.setdefault(name_key(product.name), product)
        names = list(by_name)
        others = {}
        for mapping in self.sudo().search(
            [
                ("state", "=", "confirmed"),
                ("distributor_id", "!=", distributor.id),
                ("code_key", "in", [product_code_key(t) for t in texts]),
                ("product_id", "in", products.ids),
            ],
            order="confirmed_date desc, id desc",
        ):
            others.setdefault(mapping.code_key, {}).setdefault(mapping.product_id, mapping.quantity_factor)
        reasons = {
            "reference": _("Our internal reference"),
            "barcode": _("Our barcode"),
            "others": _("Mapped so by other distributors"),
            "name": _("A similar name"),
        }
        result = {}
        for text in texts:
            # (product, reason, score, factor) from the surest to the least sure
            candidates = []
            if text.casefold() in by_reference:
                candidates.append((by_reference[text.casefold()], "reference", 1.0, None))
            if text in by_barcode:
                candidates.append((by_barcode[text], "barcode", 1.0, None))
            for product, factor in others.get(product_code_key(text), {}).items():
                candidates.append((product, "others", 0.9, factor))
            key = name_key(text)
            for name in difflib.get_close_matches(key, names, n=MAX_SUGGESTIONS, cutoff=MIN_NAME_SIMILARITY):
                ratio = difflib.SequenceMatcher(None, key, name).ratio()
                candidates.append((by_name[name], "name", ratio, None))
            found = {}
            for product, reason, score, factor in candidates:
                found.setdefault(
                    product,
                    {
                        "product": product,
                        "reason": reasons[reason],
                        "score": round(score, 2),
                        "quantity_factor": factor or self._spm_pack_factor(text, product.name),
                    },
                )
            result[text] = sorted(found.values(), key=lambda s: -s["score"])[:MAX_SUGGESTIONS]
        return result

    @api.model
    def _spm_pack_factor(self, code, product_name):
        """The distributor's units in one of ours, from the pack sizes the two texts state (1 if neither)."""
        ours, theirs = pack_size(product_name) or 1, pack_size(code) or 1
        factor = round(ours / theirs, 4)
        return factor if 0 < factor <= MAX_QUANTITY_FACTOR else 1.0
