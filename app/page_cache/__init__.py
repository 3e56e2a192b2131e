"""Rendered pages kept and reused until the data they show changes.

`tracking` counts changes as they are committed (per user, and for shared data), `store` keeps
rendered pages in memory, and `pages` serves a page from the store when nothing it shows has
changed since it was rendered.
"""
