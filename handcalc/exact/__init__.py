"""Stage 2, exact: the symbolic chain-rule derivation (SymPy) and its exact values.

Every number later stages compare against is computed here from the documented inputs.
"""
