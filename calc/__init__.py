"""Customer retention and customer lifetime value calculations.

A pure package: numpy, pandas and scipy only. It never imports streamlit or
altair and never touches the file system; parsers take ``bytes``.
"""
