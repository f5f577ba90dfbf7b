extensions = ['kompass']
language = 'sv'
exclude_patterns = ['_build']
# Fictional municipalities: the register is not checked here.
kompass_check_municipalities = False
# A small sample: the computed average is shown from 3 evaluations here
# (the default, 10, is tested on both sides in tests/test_charts.py).
kompass_average_min = 3
