"""Error lists of bounded size: the first ones are kept, the others counted."""

from .limits import MAX_ERRORS


class ErrorList:
    """Collects errors, keeping the first ``limit`` and counting the others,
    so that a file or a request with a million mistakes costs no more memory
    than one with a hundred."""

    def __init__(self, limit=MAX_ERRORS):
        self.limit = limit
        self.kept = []
        self.more = 0

    def __len__(self):
        return len(self.kept) + self.more

    def __bool__(self):
        return bool(self.kept)

    def add(self, error):
        if len(self.kept) < self.limit:
            self.kept.append(error)
        else:
            self.more += 1

    def report(self, make):
        """Add the error ``make()`` returns; ``make`` is only called while the list
        has room (a million errors are counted, not written)."""
        if len(self.kept) < self.limit:
            self.kept.append(make())
        else:
            self.more += 1

    def extend(self, errors):
        for error in errors:
            self.add(error)

    def listed(self, env):
        """The errors kept, then one saying how many more there were, if any."""
        return self.kept + ([more_errors(env, self.more)] if self.more else [])


def more_errors(env, count):
    """The last error of a list cut short: how many were left out."""
    return {
        "row": None,
        "column": None,
        "bill_number": None,
        "code": "more",
        "more": count,
        "message": env._(
            "… and %(count)s more problems, not listed. Correct those above, then try again.",
            count=format(count, ","),
        ),
    }


def bound_errors(env, errors, limit=MAX_ERRORS):
    """``errors`` cut to ``limit``, with a last one saying how many more there were."""
    bounded = ErrorList(limit)
    for error in errors:
        if error.get("code") == "more":
            bounded.more += error["more"]
        else:
            bounded.add(error)
    return bounded.listed(env)


def count_errors(errors):
    """How many problems a bounded error list stands for."""
    return sum(error["more"] if error.get("code") == "more" else 1 for error in errors)
