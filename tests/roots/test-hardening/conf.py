from pathlib import Path

HERE = Path(__file__).resolve().parent
extensions = ['kompass', 'sphinxcontrib.bibtex']
language = 'sv'
# The file a report includes is not a page of its own.
exclude_patterns = ['_build', '.*', 'reports/ort-2024/del.md']
# Fictional municipalities: the register is not checked here.
kompass_check_municipalities = False
# As the project's conf.py: every report's .bib files, numbered labels.
bibtex_bibfiles = sorted(p.relative_to(HERE).as_posix() for p in HERE.glob('reports/*/*.bib'))
bibtex_default_style = 'plain'
bibtex_reference_style = 'label'
