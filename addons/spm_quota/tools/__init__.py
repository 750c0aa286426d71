from .allocation import allocate_amount
