"""Placement test for new hires: a screening quiz whose sections each test one tier; passing a
section recognises that tier's courses, so the onboarding path starts at the right rung."""
