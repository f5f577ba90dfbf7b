extensions = ['kompass']
language = 'sv'
exclude_patterns = ['_build']
# Names are not checked against the register: anything may reach the output.
kompass_check_municipalities = False
