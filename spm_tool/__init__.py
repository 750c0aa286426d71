"""The project command ``./spm``, as a package the entry script runs.

It runs with the system's ``python3`` before any virtual environment exists:
only the standard library is imported here. Odoo and the tests run in the
venv this package creates (``install``), on the embedded PostgreSQL
(``database``).

    common    paths, the addons, messages and the small shell helpers
    install   Odoo 18.0's source and the virtual environment
    database  the embedded PostgreSQL cluster, or an external server
    instance  the Odoo configuration of the clone and its command lines
    testrun   ``./spm test``: the addons' Odoo tests and the tests under tests/
    suites    ``./spm test --odoo-suites``: Odoo's own suites with the addons
    bench     ``./spm bench``
    cli       the subcommands and their options
"""
