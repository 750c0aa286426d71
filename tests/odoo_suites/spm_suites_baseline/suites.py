"""Re-export Odoo's own test suites under another module's tag.

Odoo's loader (``odoo/tests/loader.py``) runs the test classes found in the
``test_*`` submodules of a module's ``tests`` package, and only the classes
defined there (``cls.__module__`` must be the submodule) with the test
methods of their own ``__dict__``. So a plain ``from ... import *`` is not
enough: for each test module of the suites, a submodule is made with a
subclass of each of its test classes, carrying the same name and the same
test methods; Odoo's test metaclass then gives them the importing module's
tag, and they run with everything that module depends on loaded.
"""

import sys
import types
from unittest import TestCase

from odoo.tests import loader

SUITES = ("sale", "sale_management", "portal", "account")
# A re-exported module is named test_<addon>__<module>: the runner maps the
# test ids of the logs back to Odoo's (<addon>.<module>.<Class>.<method>).
SEPARATOR = "__"


def _subclass(cls, module_name):
    attrs = {
        "__module__": module_name,
        "__qualname__": cls.__qualname__,
        "__doc__": cls.__doc__,
        **{name: value for name, value in vars(cls).items() if name.startswith("test") and callable(value)},
    }
    copy = type(cls)(cls.__name__, (cls,), attrs)
    # The metaclass resets it; keep the original order of the suite.
    copy.test_sequence = getattr(cls, "test_sequence", 0)
    return copy


def reexport(package):
    """Add to the ``tests`` package ``package`` a copy of every test module
    that Odoo's loader finds in :data:`SUITES`."""
    for addon in SUITES:
        for original in loader.get_test_modules(addon):
            name = f"test_{addon}{SEPARATOR}{original.__name__.rsplit('.', 1)[-1]}"
            full_name = f"{package.__name__}.{name}"
            module = types.ModuleType(full_name, original.__doc__)
            # Tracebacks and Odoo's error reports locate a test by its class's file.
            module.__file__ = original.__file__
            for attr, value in vars(original).items():
                if (
                    isinstance(value, type)
                    and issubclass(value, TestCase)
                    and value.__module__ == original.__name__
                ):
                    setattr(module, attr, _subclass(value, full_name))
            sys.modules[full_name] = module
            setattr(package, name, module)
