"""The billings of the upload files the background job reads, kept between its calls.

Odoo's cron calls the upload job once per batch: without this cache a file of
100,000 lines would be read again for each of its 100 batches. Only what is pure
file content is kept (the rows grouped into billings, before any product or
retailer is resolved), under a version of everything the reading depends on (the
file's checksum, the layouts' columns, the partial import), so that a changed
file or layout is read again. The cache is per process, bounded in files and
rows, the oldest entry evicted first; its values are never modified by their
readers, and a lock guards its structure for Odoo's threaded server.
"""

import threading
from collections import OrderedDict

# At most this many files and rows in all (a file larger than the rows is never kept).
MAX_FILES = 2
MAX_ROWS = 200_000


class ParseCache:
    """Billings by ``(database, upload id)``, served only under the version they were read with."""

    def __init__(self, max_files=MAX_FILES, max_rows=MAX_ROWS):
        self.max_files, self.max_rows = max_files, max_rows
        self.hits = self.misses = 0
        self._entries = OrderedDict()  # (dbname, upload id) -> (version, billings, rows)
        self._lock = threading.Lock()

    def get(self, dbname, upload_id, version):
        """The billings kept for this upload read under ``version``, else None."""
        with self._lock:
            entry = self._entries.get((dbname, upload_id))
            if entry is None or entry[0] != version:
                self.misses += 1
                return None
            self.hits += 1
            return entry[1]

    def put(self, dbname, upload_id, version, billings):
        """Keep ``billings`` (a tuple, never modified afterwards) for this upload under ``version``,
        replacing what it had, then evict the oldest entries beyond the bounds."""
        rows = sum(len(billing["lines"]) for billing in billings)
        with self._lock:
            self._entries.pop((dbname, upload_id), None)
            if rows > self.max_rows:
                return
            self._entries[(dbname, upload_id)] = (version, billings, rows)
            while len(self._entries) > self.max_files or (
                sum(entry[2] for entry in self._entries.values()) > self.max_rows
            ):
                self._entries.popitem(last=False)

    def discard(self, dbname, upload_id):
        """Forget this upload's billings (its import is over)."""
        with self._lock:
            self._entries.pop((dbname, upload_id), None)

    def clear(self):
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0


parsed_billings = ParseCache()
