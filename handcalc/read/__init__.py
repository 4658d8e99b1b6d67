"""Stage 1, reading: a worked-example file becomes a validated, frozen `WorkedExample`.

Everything a user wrote is checked here and only here; later stages trust the model.
"""
