"""Flags that only the addons' own code can raise.

A client sets any context key it likes over XML-RPC, JSON-RPC or a form
post, so no context key may unlock a check. These flags live on the
database cursor (``cr.cache``, which no request can reach) and only for the
duration of the ``with`` block of the private method that raised them, after
that method made its own checks::

    with trusted(self.env, "spm_credit_engine"):
        lines.sudo().write(...)

    if not is_trusted(self.env, "spm_credit_engine"):
        raise UserError(...)
"""

from collections import Counter
from contextlib import contextmanager

_CACHE_KEY = "spm_trusted_flags"


@contextmanager
def trusted(env, *flags):
    """Raise ``flags`` on ``env``'s cursor for the span of the block (nestable)."""
    active = env.cr.cache.setdefault(_CACHE_KEY, Counter())
    active.update(flags)
    try:
        yield
    finally:
        active.subtract(flags)


def is_trusted(env, flag):
    """Whether a private code path of the addons raised ``flag`` on this cursor."""
    return env.cr.cache.get(_CACHE_KEY, Counter())[flag] > 0
