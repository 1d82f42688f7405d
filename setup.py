# Exists so `scrapyd-deploy` builds a clean egg: the package and the data it reads through the
# package (importlib.resources), never tests/ or bench/. Check with:
#   scrapyd-deploy --build-egg /tmp/newscrawl.egg && unzip -l /tmp/newscrawl.egg
from setuptools import find_packages, setup

setup(
    name="newscrawl",
    version="0.1",
    packages=find_packages(include=["newscrawl", "newscrawl.*"]),
    package_data={
        "newscrawl": ["schema/*.json"],
        # The offline snapshot: the saved site, its manifest and the expected records.
        "newscrawl.snapshot": ["*.json", "site/**/*", "site-variants/**/*"],
        # The generic sites of the snapshot (news sites without a module), one root each.
        "newscrawl.snapshot.generic": ["*/*.json", "*/site/**/*"],
    },
    entry_points={"scrapy": ["settings = newscrawl.settings"]},
    zip_safe=False,
)
