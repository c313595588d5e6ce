# Sphinx configuration of nova's documentation (sphinx-build doc/source doc/build).
project = 'nova'
copyright = 'the nova authors'
extensions = []
exclude_patterns = []
html_theme = 'alabaster'
