from .allocation import allocate_amount
from .trusted import is_trusted, trusted
