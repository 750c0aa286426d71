"""The stock of a distributor's product over the days a batch of billings is checked on."""

from bisect import bisect_right


class StockTimeline:
    """The stock of one distributor's product on the days a batch of billings
    is checked on (see spm.distributor.stock._spm_stock_shortfalls): the ledger's
    stock of each day a document changes it or a bill of the batch is dated,
    plus what the batch's billings accepted so far took from it or gave back."""

    def __init__(self, stock_days, bill_days):
        """:param stock_days: ``[(day, quantity, counted)]`` (see spm.distributor.stock._spm_stock_days)
        :param bill_days: the bill dates of the batch on this product"""
        listed = {day: (quantity, counted) for day, quantity, counted in stock_days}
        self.days = sorted(listed.keys() | bill_days)
        self.index = {day: position for position, day in enumerate(self.days)}
        self.stock, reopened = [], []
        quantity = 0.0
        for day in self.days:
            quantity, counted = listed.get(day, (quantity, False))
            self.stock.append(quantity)
            reopened.append(counted)
        # The first day after each day that a statement re-opens the stock on.
        self.reopen = [len(self.days)] * len(self.days)
        for position in range(len(self.days) - 2, -1, -1):
            following = position + 1
            self.reopen[position] = following if reopened[following] else self.reopen[following]

    def lowest(self, day, today):
        """The lowest stock from ``day`` to today (``day`` if later), up to the
        next statement."""
        position = self.index[day]
        end = min(self.reopen[position], bisect_right(self.days, max(day, today)))
        return min(self.stock[position:end])

    def take(self, day, quantity):
        """A billing of ``day`` takes ``quantity`` (given back if negative) up to the next statement."""
        position = self.index[day]
        for following in range(position, self.reopen[position]):
            self.stock[following] -= quantity
