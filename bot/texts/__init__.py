"""One catalog per language; `tests/test_texts.py` checks keys and placeholders match."""
