extensions = ['kompass']
language = 'sv'
exclude_patterns = ['_build']
# Hostile names on purpose: the register is not checked here.
kompass_check_municipalities = False
