"""Stage 4, judging: every stated number against the exact values, with a verdict and an explanation.
"""
