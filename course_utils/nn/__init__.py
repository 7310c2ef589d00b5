"""NumPy building blocks that later notebooks use as given helpers.

:mod:`activations` (notebooks 03 onwards) and :mod:`deep` (the L-layer network
of notebook 03, given in notebook 04 and in Course 2).
"""
