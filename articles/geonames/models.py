"""The gazetteer in the database, as GeoNames publishes it: its places (``GazetteerEntry``, one a
GeoNames id), every name of each (``GazetteerName``, indexed by its folded form for lookup), the
first-level regions (``GazetteerRegion``, GeoNames' "admin1") and the countries
(``GazetteerCountry``). ``manage.py load_gazetteer`` fills them (``articles.geonames.load``);
``articles.geonames.lookup`` reads them. Imported by ``articles.models``.

GeoNames data is CC BY 4.0 (https://www.geonames.org/): whatever shows it credits GeoNames.
"""

from django.db import models

# The lengths GeoNames' readme gives its columns: a valid file always fits.
NAME_LENGTH = 200  # name, asciiname
ALTERNATE_NAME_LENGTH = 400  # an alternate name
LANGUAGE_LENGTH = 7  # isolanguage
CODE_LENGTH = 20  # admin1 code


class GazetteerCountry(models.Model):
    """A country, as ``countryInfo.txt`` gives it."""

    code = models.CharField("ISO code", max_length=2, primary_key=True)
    iso3 = models.CharField("ISO3 code", max_length=3, blank=True)
    iso_numeric = models.CharField("ISO numeric code", max_length=3, blank=True)
    fips = models.CharField("FIPS code", max_length=2, blank=True)
    name = models.CharField(max_length=NAME_LENGTH)
    capital = models.CharField(max_length=NAME_LENGTH, blank=True)
    area = models.FloatField("area (km²)", null=True, blank=True)
    population = models.BigIntegerField(default=0)
    continent = models.CharField(max_length=2, blank=True)
    tld = models.CharField("top-level domain", max_length=10, blank=True)
    currency_code = models.CharField(max_length=3, blank=True)
    currency_name = models.CharField(max_length=NAME_LENGTH, blank=True)
    phone = models.CharField(max_length=NAME_LENGTH, blank=True)
    postal_code_format = models.CharField(max_length=NAME_LENGTH, blank=True)
    postal_code_regex = models.TextField(blank=True)
    languages = models.JSONField(default=list, blank=True, help_text='e.g. ["uk", "ru-UA"]')
    geonames_id = models.IntegerField("GeoNames id", null=True, blank=True)
    neighbours = models.JSONField(
        default=list, blank=True, help_text='ISO codes of the countries it borders: ["BY", "MD"]'
    )
    equivalent_fips = models.CharField("equivalent FIPS code", max_length=10, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "gazetteer countries"

    def __str__(self):
        return self.name


class GazetteerRegion(models.Model):
    """A first-level administrative division (oblast, province, state...), as
    ``admin1CodesASCII.txt`` gives it; keyed by GeoNames' own code, ``"UA.12"``."""

    key = models.CharField(max_length=2 + 1 + CODE_LENGTH, primary_key=True)
    country_code = models.CharField(max_length=2)
    code = models.CharField(max_length=CODE_LENGTH, help_text="GeoNames' admin1 code")
    name = models.CharField(max_length=NAME_LENGTH)
    ascii_name = models.CharField(max_length=NAME_LENGTH, blank=True)
    geonames_id = models.IntegerField("GeoNames id", null=True, blank=True)

    class Meta:
        ordering = ["country_code", "name"]

    def __str__(self):
        return f"{self.name} ({self.country_code})"


class GazetteerEntry(models.Model):
    """A place of GeoNames (a line of ``allCountries.txt``, ``cities500.txt`` or a country's
    file): its GeoNames id is its primary key."""

    id = models.IntegerField("GeoNames id", primary_key=True)
    name = models.CharField(max_length=NAME_LENGTH)
    ascii_name = models.CharField(max_length=NAME_LENGTH, blank=True)
    feature_class = models.CharField(max_length=1, blank=True, help_text="P, A, H, S, T...")
    feature_code = models.CharField(max_length=10, blank=True, help_text="PPLA, ADM1, STM...")
    country_code = models.CharField(max_length=2, blank=True)
    admin1_code = models.CharField(max_length=CODE_LENGTH, blank=True)
    # Its first-level region ("UA.12"), when it has one: a link that holds before the regions
    # are loaded (no database constraint) and never holds them back.
    region = models.ForeignKey(
        GazetteerRegion,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    population = models.BigIntegerField(default=0)
    latitude = models.FloatField()
    longitude = models.FloatField()
    modified = models.DateField("modified at GeoNames", null=True, blank=True)

    class Meta:
        verbose_name_plural = "gazetteer entries"

    def __str__(self):
        return f"{self.name} ({self.country_code or '-'})"


class GazetteerName(models.Model):
    """A name of an entry, for lookup: its name, ASCII name and alternate names from its own line
    (no ``alternate_name_id``, no language), and those of ``alternateNamesV2.txt`` with their
    language and GeoNames' flags. ``folded`` is ``articles.geonames.fold(name)``, indexed, so
    finding "kyiv", "Kiev" or "KYIV" is one index lookup."""

    # No database constraint: the loader writes names only for entries it has just written or
    # found, and deleting an entry through Django deletes its names; checking each of the
    # millions of rows a load writes was a fifth of loading cities500 on PostgreSQL.
    entry = models.ForeignKey(
        GazetteerEntry, on_delete=models.CASCADE, related_name="names", db_constraint=False
    )
    name = models.CharField(max_length=ALTERNATE_NAME_LENGTH)
    folded = models.CharField(max_length=ALTERNATE_NAME_LENGTH)
    language = models.CharField(
        max_length=LANGUAGE_LENGTH, blank=True, help_text='ISO 639 ("uk", "en"), "abbr"...'
    )
    is_preferred = models.BooleanField(default=False)
    is_short = models.BooleanField(default=False)
    is_colloquial = models.BooleanField(default=False)
    is_historic = models.BooleanField(default=False)
    alternate_name_id = models.IntegerField(
        "GeoNames alternate name id", null=True, blank=True, unique=True
    )

    class Meta:
        indexes = [models.Index(fields=["folded"], name="gazetteer_name_folded")]

    def __str__(self):
        return self.name


class GazetteerBundle(models.Model):
    """A version of the bundled gazetteer (``fixtures/geonames/``) that has been loaded, so that
    ``load_gazetteer --bundled`` (and ``make run``) skips loading it again."""

    version = models.CharField(max_length=64, primary_key=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-loaded_at"]

    def __str__(self):
        return self.version
