"""The expression language: the whitelisted parser for arithmetic a text writes, and its exact evaluation.

Used by reading (to validate claims), by judging (to recompute them) and by no `eval`.
"""
