"""Stage 5, output: the report as a document of blocks, rendered as text, Markdown, LaTeX, HTML or JSON,
plus the optional loss plot and network diagram.
"""
