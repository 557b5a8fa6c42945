"""Demo data for trying partyhub out: `manage.py seed_demo`.

- data.py: the fixed cast (constituencies, wards, branches, officers, names)
- postcodes.py and postcodes.csv: the demo postcode-to-ward file, ONS layout
- seed.py: `seed_demo()`, which builds it all idempotently
- national_export.py and national_export*.csv: the national membership export
  for the import demo (see its docstring)

This package imports no models itself, so `python -m members.demo.postcodes`
runs without Django.
"""
