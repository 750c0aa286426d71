from . import portal
from . import stock
from . import api
from . import api_keys
from . import product_mappings
from . import upload_review
