extensions = ['kompass']
language = 'sv'
exclude_patterns = ['_build']
kompass_check_municipalities = False
