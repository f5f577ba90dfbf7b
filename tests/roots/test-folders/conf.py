extensions = ['kompass']
language = 'sv'
exclude_patterns = ['_build']
# Names are checked against the register: Habo and Håbo are two municipalities.
