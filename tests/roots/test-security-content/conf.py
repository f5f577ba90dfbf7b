extensions = ['kompass']
language = 'sv'
exclude_patterns = ['_build', 'inkluderad.*', 'reports/ort-2024/del.md']
# Fictional municipalities: the register is not checked here.
kompass_check_municipalities = False
