"""The Markdown file the benchmarks write their figures to (``docs/benchmarks.md``)."""

import re
from pathlib import Path


def write_section(path, title, text):
    """Put ``text`` (a section starting with the heading ``title``) in place of
    the file's section of that heading, or after the others."""
    path = Path(path)
    current = path.read_text() if path.exists() else "# Benchmarks\n"
    current = re.sub(rf"\n{re.escape(title)}\n.*?(?=\n## |\Z)", "", current, flags=re.S).rstrip("\n")
    path.write_text(f"{current}\n\n{text}")
