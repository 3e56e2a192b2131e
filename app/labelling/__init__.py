"""Human judgements of the auto-marker: collected from the capabilities that record them
(overrides, reviews), exported as a labelled corpus, and compared with the automatic decisions.
Nothing imports this package but the app factory."""
