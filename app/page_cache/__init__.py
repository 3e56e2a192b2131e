"""Change counters and what they make cheap.

`tracking` counts changes as they are committed (per user, for shared data, and overall);
`pages` turns them into each page's ETag (a 304 before rendering when the browser holds the
page) and keeps small facts per process until what they depend on changes.
"""
