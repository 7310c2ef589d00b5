"""Open, seeded, offline replacements for the course's datasets.

Each loader returns arrays in the original layout and caches them under
``data/cache/``; the same seed gives the same arrays on any machine.
"""
