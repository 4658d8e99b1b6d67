"""Stage 3, floats: the independent NumPy matrix path, finite differences and training replays.

They cross-check the exact stage and replay the training runs a text describes.
"""
