from . import portal
from . import api
from . import api_keys
