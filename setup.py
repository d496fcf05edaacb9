"""Package layout only (metadata lives in pyproject.toml).

The repository keeps the user-facing rules in `rules/` at its root (where the README, the Makefile and the
examples point); the wheel ships that folder as the package `reconcile._rules`, so an installed `reconcile` finds
its default rules, the extraction lexicon and the examples without a checkout. pyproject.toml cannot express a
package found by `find_packages` plus one mapped from another folder, hence this file.
"""
from setuptools import find_namespace_packages, setup

import os

# rules/ and each folder below it (examples/, extract/, ...) as data packages
def _rule_package(folder: str) -> str:
    relative = os.path.relpath(folder, "rules")
    return "reconcile._rules" if relative == "." else "reconcile._rules." + relative.replace(os.sep, ".")


RULE_PACKAGES = {_rule_package(folder): folder for folder, _dirs, _files in os.walk("rules")}

setup(
    packages=find_namespace_packages(include=["reconcile", "reconcile.*"], exclude=["*.__pycache__"]) + sorted(RULE_PACKAGES),
    package_dir=RULE_PACKAGES,
)
