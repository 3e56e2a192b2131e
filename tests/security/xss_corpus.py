"""Payloads that must come back as text wherever a person's words are shown."""

PAYLOADS = [
    "<script>alert('x1')</script>",
    '"><img src=x onerror=alert("x2")>',
    "<svg onload=alert('x3')>",
    "javascript:alert('x4')",
    "<a href=\"javascript:alert('x5')\">click</a>",
    "'; alert('x6'); //",
    "\u202egnp.exe<iframe src=javascript:alert('x7')>",  # right-to-left override
    "{{ 7*7 }}<b onmouseover=alert('x8')>",
    "مرحبا<script>alert('x9')</script>",
]
