"""Validates CycloneDX JSON files with cyclonedx-python-lib's strict 1.6 JSON validator.

Usage: cyclonedx-validate.py BOM.json...   (pip install "cyclonedx-python-lib[json-validation]==11.12.0")
Exits 1 naming the first invalid file and the validator's error.
"""
import sys

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

validator = JsonStrictValidator(SchemaVersion.V1_6)
for path in sys.argv[1:]:
    with open(path) as f:
        error = validator.validate_str(f.read())
    if error is not None:
        print(f"{path}: INVALID: {error}")
        sys.exit(1)
    print(f"{path}: valid CycloneDX 1.6 (strict)")
