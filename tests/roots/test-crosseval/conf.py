extensions = ['kompass']
language = 'sv'
exclude_patterns = ['_build']
# Fictional municipalities: the register is not checked here.
kompass_check_municipalities = False
