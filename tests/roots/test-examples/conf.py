extensions = ['kompass']
language = 'sv'
exclude_patterns = ['_build']
