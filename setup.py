# Exists so `scrapyd-deploy` builds a clean egg: the package and its data, never tests/.
from setuptools import find_packages, setup

setup(
    name="newscrawl",
    version="0.1",
    packages=find_packages(exclude=["tests", "tests.*", "bench", "bench.*"]),
    include_package_data=True,
    package_data={"newscrawl": ["schema/*.json", "snapshot/site/**/*", "snapshot/*.json"]},
    entry_points={"scrapy": ["settings = newscrawl.settings"]},
    zip_safe=False,
)
