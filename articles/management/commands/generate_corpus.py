"""Generate a synthetic corpus for benchmarks: ``manage.py generate_corpus --articles N --seed S``.

Articles read like wire copy from a handful of conflicts: paragraphs of narrative sentences that
name places, direct quotes in straight double quotes with their attribution, paraphrases ("X said
that ...") and reported claims ("According to X, ..."), 150 to 600 words each, published between
2019 and 2024. Every direct quote, paraphrase and claim is a confirmed ``Quote`` with its speaker;
every place name in the body is a confirmed ``PlaceMention`` of its ``Place``; a quote is linked
to the places named inside it. Offsets are exact (``exact == body[start:end]``) by construction.

The output is a pure function of the seed (and of N: article ``i`` is the same whatever N is), so
two runs with one seed make the same articles. Speakers, places and authors are looked up by slug
and created when missing, so the generator can run on top of the seed article.

``--heavy`` adds the article ``heavy``: about 20,000 words and 1,000 annotations, the worst case a
reader page must serve at the speed of an ordinary one.

Everything is written with ``bulk_create`` in batches (one transaction each, no history rows, no
signals), the search vectors of each batch are refreshed after it, and the tables are analysed
after batches 1, 2, 4, 8, ... and at the end (PostgreSQL: with the statistics of an empty table the
planner's choices get slower with every batch), so 100,000 articles take minutes, not hours.
"""

from __future__ import annotations

import datetime
import random
import time
from dataclasses import dataclass, field

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.text import slugify

from articles import operations
from articles.models import (
    Article,
    Author,
    Outlet,
    Place,
    PlaceMention,
    Quote,
    Span,
    Speaker,
    article_date,
    context,
)
from articles.progress import Progress
from articles.search import refresh_vectors

FIRST_DAY = datetime.date(2019, 1, 1)
LAST_DAY = datetime.date(2024, 12, 31)
MIN_WORDS, MAX_WORDS = 150, 600
HEAVY_SLUG = "heavy"
HEAVY_WORDS, HEAVY_ANNOTATIONS = 20_000, 1_000

# --- Vocabulary ---------------------------------------------------------------------------------

# Places by theatre: (name, kind, latitude, longitude, country code, aliases).
PlaceRow = tuple[str, str, float, float, str, list[str]]
PLACES: dict[str, list[PlaceRow]] = {
    "ukraine": [
        ("Kyiv", "city", 50.45, 30.52, "UA", ["Kiev"]),
        ("Kharkiv", "city", 49.99, 36.23, "UA", ["Kharkov"]),
        ("Odesa", "city", 46.48, 30.72, "UA", ["Odessa"]),
        ("Kherson", "city", 46.64, 32.61, "UA", []),
        ("Zaporizhzhia", "city", 47.84, 35.14, "UA", ["Zaporozhye"]),
        ("Donetsk", "city", 48.00, 37.80, "UA", []),
        ("Luhansk", "city", 48.57, 39.31, "UA", ["Lugansk"]),
        ("Bakhmut", "city", 48.60, 38.00, "UA", ["Artemovsk"]),
        ("Avdiivka", "city", 48.14, 37.74, "UA", []),
        ("Mariupol", "city", 47.10, 37.55, "UA", []),
        ("Dnipro", "city", 48.46, 35.05, "UA", []),
        ("Lviv", "city", 49.84, 24.03, "UA", ["Lvov"]),
        ("Sumy", "city", 50.91, 34.80, "UA", []),
        ("Chernihiv", "city", 51.49, 31.29, "UA", []),
        ("Mykolaiv", "city", 46.97, 31.99, "UA", []),
        ("Kramatorsk", "city", 48.72, 37.56, "UA", []),
        ("Pokrovsk", "city", 48.28, 37.18, "UA", []),
        ("Kupiansk", "city", 49.71, 37.62, "UA", []),
        ("Crimea", "region", 45.00, 34.10, "UA", []),
        ("Donbas", "region", 48.30, 38.00, "UA", ["Donbass"]),
        ("Dnieper River", "river", 47.50, 34.00, "", ["Dnipro River"]),
        ("Zaporizhzhia nuclear plant", "facility", 47.51, 34.59, "UA", []),
        ("Belgorod", "city", 50.60, 36.60, "RU", []),
        ("Kursk", "city", 51.73, 36.19, "RU", []),
        ("Moscow", "city", 55.75, 37.62, "RU", []),
        ("Ukraine", "country", 49.00, 32.00, "UA", []),
        ("Russia", "country", 61.50, 105.30, "RU", []),
    ],
    "levant": [
        ("Gaza City", "city", 31.50, 34.47, "PS", []),
        ("Rafah", "city", 31.29, 34.25, "PS", []),
        ("Khan Younis", "city", 31.34, 34.30, "PS", ["Khan Yunis"]),
        ("Jabalia", "city", 31.53, 34.48, "PS", []),
        ("Deir al-Balah", "city", 31.42, 34.35, "PS", []),
        ("Gaza Strip", "region", 31.42, 34.38, "PS", ["Gaza"]),
        ("West Bank", "region", 31.95, 35.30, "PS", []),
        ("Jenin", "city", 32.46, 35.30, "PS", []),
        ("Jerusalem", "city", 31.77, 35.22, "IL", []),
        ("Tel Aviv", "city", 32.08, 34.78, "IL", []),
        ("Beirut", "city", 33.89, 35.50, "LB", []),
        ("Damascus", "city", 33.51, 36.29, "SY", []),
        ("Aleppo", "city", 36.20, 37.16, "SY", []),
        ("Idlib", "city", 35.93, 36.63, "SY", []),
        ("Sanaa", "city", 15.37, 44.19, "YE", ["Sana'a"]),
        ("Hodeidah", "city", 14.80, 42.95, "YE", ["Hudaydah"]),
        ("Aden", "city", 12.79, 45.03, "YE", []),
        ("Kerem Shalom crossing", "facility", 31.23, 34.28, "IL", []),
        ("Red Sea", "other", 20.00, 38.00, "", []),
        ("Israel", "country", 31.50, 34.75, "IL", []),
        ("Lebanon", "country", 33.83, 35.83, "LB", []),
        ("Syria", "country", 35.00, 38.00, "SY", []),
        ("Yemen", "country", 15.50, 47.50, "YE", []),
    ],
    "sudan": [
        ("Khartoum", "city", 15.50, 32.56, "SD", []),
        ("Omdurman", "city", 15.64, 32.48, "SD", []),
        ("El Fasher", "city", 13.63, 25.35, "SD", ["Al-Fashir"]),
        ("Nyala", "city", 12.05, 24.88, "SD", []),
        ("El Geneina", "city", 13.45, 22.45, "SD", ["Geneina"]),
        ("Wad Madani", "city", 14.40, 33.52, "SD", []),
        ("Port Sudan", "city", 19.62, 37.22, "SD", []),
        ("Darfur", "region", 13.50, 24.00, "SD", []),
        ("Kordofan", "region", 13.00, 29.50, "SD", []),
        ("Nile", "river", 15.60, 32.50, "", []),
        ("Sudan", "country", 15.00, 30.00, "SD", []),
        ("Chad", "country", 15.00, 19.00, "TD", []),
        ("Adre crossing", "facility", 13.47, 22.20, "TD", []),
        ("Mekelle", "city", 13.50, 39.47, "ET", []),
        ("Tigray", "region", 14.00, 38.50, "ET", []),
        ("Addis Ababa", "city", 9.03, 38.74, "ET", []),
        ("Mogadishu", "city", 2.04, 45.34, "SO", []),
    ],
    "sahel": [
        ("Goma", "city", -1.68, 29.22, "CD", []),
        ("Bunia", "city", 1.56, 30.25, "CD", []),
        ("Bukavu", "city", -2.51, 28.86, "CD", []),
        ("North Kivu", "region", -0.80, 29.00, "CD", []),
        ("Kinshasa", "city", -4.32, 15.31, "CD", []),
        ("Bamako", "city", 12.65, -8.00, "ML", []),
        ("Timbuktu", "city", 16.77, -3.01, "ML", ["Tombouctou"]),
        ("Gao", "city", 16.27, -0.04, "ML", []),
        ("Niamey", "city", 13.51, 2.11, "NE", []),
        ("Ouagadougou", "city", 12.37, -1.53, "BF", []),
        ("Djibo", "city", 14.10, -1.63, "BF", []),
        ("Lake Kivu", "other", -2.00, 29.20, "", []),
        ("Mali", "country", 17.00, -4.00, "ML", []),
        ("Burkina Faso", "country", 13.00, -2.00, "BF", []),
        ("Democratic Republic of Congo", "country", -2.88, 23.66, "CD", ["DRC"]),
    ],
    "myanmar": [
        ("Yangon", "city", 16.87, 96.20, "MM", ["Rangoon"]),
        ("Mandalay", "city", 21.97, 96.08, "MM", []),
        ("Naypyitaw", "city", 19.76, 96.13, "MM", []),
        ("Lashio", "city", 22.94, 97.75, "MM", []),
        ("Myawaddy", "city", 16.69, 98.51, "MM", []),
        ("Sittwe", "city", 20.15, 92.90, "MM", []),
        ("Rakhine State", "region", 20.10, 93.50, "MM", []),
        ("Shan State", "region", 21.50, 97.75, "MM", []),
        ("Irrawaddy", "river", 17.00, 95.20, "", ["Ayeyarwady"]),
        ("Myanmar", "country", 21.00, 96.00, "MM", ["Burma"]),
    ],
}
# Capitals where diplomats talk; any theatre may mention them.
WORLD_PLACES: list[PlaceRow] = [
    ("Washington", "city", 38.90, -77.04, "US", []),
    ("Brussels", "city", 50.85, 4.35, "BE", []),
    ("Geneva", "city", 46.20, 6.14, "CH", []),
    ("New York", "city", 40.71, -74.01, "US", []),
    ("Istanbul", "city", 41.01, 28.98, "TR", []),
    ("Doha", "city", 25.29, 51.53, "QA", []),
    ("Cairo", "city", 30.04, 31.24, "EG", []),
    ("Ankara", "city", 39.93, 32.86, "TR", []),
]

# People are fictional: names from these lists, combined by a fixed random draw.
NAMES = {
    "ukraine": (
        ["Olena", "Andriy", "Oksana", "Serhiy", "Yulia", "Taras", "Iryna", "Mykola", "Halyna"]
        + ["Bohdan", "Kateryna", "Dmytro", "Natalia", "Vasyl", "Larysa", "Yurii"],
        ["Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Shevchuk", "Melnyk", "Lysenko"]
        + ["Marchenko", "Savchenko", "Rudenko", "Honchar", "Polishchuk", "Hrytsenko"],
    ),
    "levant": (
        ["Ahmad", "Layla", "Omar", "Rania", "Khaled", "Huda", "Yousef", "Mariam", "Samir"]
        + ["Noor", "Avi", "Noa", "Yossi", "Tamar", "Eitan", "Michal"],
        ["Haddad", "Khalil", "Mansour", "Nasser", "Saleh", "Darwish", "Hamdan", "Awad"]
        + ["Barakat", "Levi", "Mizrahi", "Peretz", "Shapiro"],
    ),
    "sudan": (
        ["Mohamed", "Amna", "Ibrahim", "Fatima", "Osman", "Hawa", "Abdelrahman", "Zeinab"]
        + ["Tesfaye", "Hiwot", "Abdi", "Hodan"],
        ["Abdalla", "Elamin", "Hassan", "Idris", "Yousif", "Musa", "Gebremedhin", "Warsame"],
    ),
    "sahel": (
        ["Jean-Pierre", "Aminata", "Moussa", "Mariam", "Patrice", "Esther", "Issa", "Fatoumata"]
        + ["Didier", "Grace"],
        ["Mukendi", "Traoré", "Diallo", "Keïta", "Ouedraogo", "Ilunga", "Kasongo", "Maïga"],
    ),
    "myanmar": (
        ["Aung", "Thida", "Kyaw", "Hnin", "Zaw", "Ei", "Min", "Su"],
        ["Win", "Naing", "Htun", "Oo", "Lwin", "Myint", "Thant", "Aye"],
    ),
    "world": (
        ["Sarah", "David", "Anna", "Thomas", "Maria", "James", "Claire", "Martin", "Ingrid"]
        + ["Paolo", "Helen", "Lukas"],
        ["Whitfield", "Bergström", "Moreau", "Castellano", "Hughes", "Lindqvist", "Okafor"]
        + ["Brennan", "Fischer", "Rossi", "Nakamura"],
    ),
}
ROLES = {
    "ukraine": [
        "spokesperson for Ukraine's armed forces",
        "head of the regional military administration",
        "Ukrainian deputy defence minister",
        "commander of a Ukrainian drone unit",
        "mayor",
        "spokesperson for Ukraine's foreign ministry",
        "Russian defence ministry spokesperson",
        "Kremlin aide",
        "Russian-installed regional official",
        "volunteer medic",
        "local resident",
        "energy ministry official",
    ],
    "levant": [
        "Israeli military spokesperson",
        "official at the Gaza health ministry",
        "Palestinian Red Crescent paramedic",
        "Israeli government spokesperson",
        "Hezbollah official",
        "Syrian opposition commander",
        "Houthi spokesperson",
        "aid worker",
        "local resident",
        "hospital director",
    ],
    "sudan": [
        "Sudanese army spokesperson",
        "Rapid Support Forces adviser",
        "governor of North Darfur",
        "doctor at a field hospital",
        "UN humanitarian coordinator",
        "displaced farmer",
        "Tigrayan regional official",
        "Somali security official",
    ],
    "sahel": [
        "M23 spokesperson",
        "Congolese army spokesperson",
        "Malian junta spokesperson",
        "civil society leader",
        "Burkinabe security analyst",
        "MONUSCO official",
        "local chief",
    ],
    "myanmar": [
        "junta spokesperson",
        "resistance commander",
        "National Unity Government minister",
        "Arakan Army spokesperson",
        "Rohingya community leader",
        "aid worker",
    ],
    "world": [
        "UN spokesperson",
        "NATO official",
        "EU foreign policy chief",
        "US State Department spokesperson",
        "Turkish foreign ministry official",
        "Qatari mediator",
        "ICRC regional director",
        "WFP country director",
    ],
}
# Organisations, and how a sentence names them ("the Kremlin said", "Hamas said").
ORGANISATIONS = {
    "ukraine": [
        ("Ukrainian General Staff", "the Ukrainian General Staff"),
        ("Russian Defence Ministry", "the Russian Defence Ministry"),
        ("Ukrainian Air Force", "the Ukrainian Air Force"),
        ("Kremlin", "the Kremlin"),
        ("State Emergency Service", "the State Emergency Service"),
    ],
    "levant": [
        ("Israeli military", "the Israeli military"),
        ("Gaza health ministry", "the Gaza health ministry"),
        ("Hamas", "Hamas"),
        ("Houthi movement", "the Houthi movement"),
        ("UNRWA", "UNRWA"),
    ],
    "sudan": [
        ("Sudanese Armed Forces", "the Sudanese Armed Forces"),
        ("Rapid Support Forces", "the Rapid Support Forces"),
        ("Doctors Without Borders", "Doctors Without Borders"),
        ("Sudan Doctors Network", "the Sudan Doctors Network"),
    ],
    "sahel": [
        ("M23", "the M23 rebels"),
        ("Congolese army", "the Congolese army"),
        ("Malian army", "the Malian army"),
        ("MONUSCO", "MONUSCO"),
    ],
    "myanmar": [
        ("Myanmar military", "the Myanmar military"),
        ("Arakan Army", "the Arakan Army"),
        ("National Unity Government", "the National Unity Government"),
    ],
    "world": [
        ("United Nations", "the United Nations"),
        ("NATO", "NATO"),
        ("European Union", "the European Union"),
        (
            "International Committee of the Red Cross",
            "the International Committee of the Red Cross",
        ),
        ("World Food Programme", "the World Food Programme"),
    ],
}
PERSONS_PER_THEATRE = 40
THEATRE_WEIGHTS = {"ukraine": 40, "levant": 30, "sudan": 14, "sahel": 9, "myanmar": 7}

# Direct quotes: what people say. {P} is a place mention, {N} a number.
DIRECT = [
    "Our forces are holding their positions around {P}, and we will not give up a single metre",
    "The situation in {P} remains extremely difficult, but the defence is holding",
    "We have no electricity, no water and no way to leave",
    "Every night we hear the explosions, and every morning we count who is missing",
    "We are ready to talk, but not at the price of our sovereignty",
    "These strikes on {P} are a deliberate attack on civilians",
    "The convoy reached {P} this morning with food and medicine for {N} families",
    "Humanitarian access to {P} must be restored immediately and without conditions",
    "The enemy lost {N} armoured vehicles in the past day alone",
    "Nobody should believe these reports; they are propaganda",
    "We need more air defence systems, and we need them now",
    "The hospital in {P} is working far beyond its capacity",
    "There can be no ceasefire while our land is occupied",
    "We call on all parties to protect civilians and respect international humanitarian law",
    "My children have not been to school for two years",
    "We buried {N} people this week, most of them women and children",
    "The bridge was the last road out of {P}, and now it is gone",
    "Talks in {P} were constructive, but there is still no agreement",
    "We will respond to any provocation, at a time of our choosing",
    "The front line has not moved, whatever the other side claims",
    "Prices in the market have tripled since the siege began",
    "We are running out of fuel for the generators",
    "This is the heaviest shelling we have seen since the war began",
    "The evacuation from {P} will continue as long as it is safe",
    "Those responsible for this crime will be held to account",
    "There is nothing left of my house; there is nothing left of the street",
    "A ceasefire that nobody monitors is not a ceasefire",
    "The drones came in waves, and the air defence shot most of them down",
    "We warned the world about {P}, and the world did not listen",
    "Our teams cannot reach the wounded because of the fighting",
]
# Paraphrases and claims: clauses that follow "said that" or "According to X,".
CLAUSES = [
    "its troops had withdrawn to prepared positions west of {P}",
    "an agreement on an exchange of prisoners was close",
    "air defences had intercepted {N} drones launched overnight",
    "the strike on {P} had targeted a military command post",
    "aid deliveries to {P} had been suspended because of the fighting",
    "more than {N} civilians had been evacuated from {P} in the past week",
    "the power station near {P} had been knocked out for the third time this month",
    "the talks would resume in {P} next week",
    "the ceasefire had been violated {N} times since Sunday",
    "its forces had taken control of several villages near {P}",
    "the attack had been launched from across the border",
    "the casualty figures published by the other side were inflated",
    "the water supply in {P} had been cut for several days",
    "foreign fighters had joined the assault on {P}",
    "the government would not negotiate under fire",
    "reinforcements had been sent to {P} overnight",
    "a cholera outbreak had been confirmed in camps near {P}",
    "the desalination plant had stopped working after the latest strikes",
    "sappers were still clearing mines from the roads around {P}",
    "the sanctions had done little to slow arms production",
    "humanitarian corridors out of {P} had been agreed for Thursday",
    "the hospital had been used as a base by armed men",
    "a journalist had been detained at a checkpoint outside {P}",
    "grain exports through {P} had fallen by a third",
]
# Narrative sentences; {P} is a place mention, {P2} a second one.
NARRATIVE = [
    "Shelling hit residential areas of {P} overnight, damaging {N} buildings, officials said.",
    "Fighting continued on the outskirts of {P} for a {ORD} day.",
    "Aid agencies have warned that food supplies in {P} could run out within {N} days.",
    "Residents of {P} described long queues for water and bread.",
    "Satellite images reviewed by analysts showed new trenches south of {P}.",
    "The claim could not be independently verified.",
    "More than {N} people have been displaced from {P} since the start of the year.",
    "The road between {P} and {P2} has been closed to civilian traffic since {MONTH}.",
    "Power cuts lasting up to {N} hours a day have become routine in {P}.",
    "Diplomats met in {P} on {DAY} to discuss a possible truce.",
    "The strike came hours after a round of talks in {P} ended without agreement.",
    "Schools in {P} have moved their lessons underground.",
    "Journalists are not allowed to enter {P} independently.",
    "Several of the wounded were taken to hospitals in {P2}, a journey of {N} kilometres.",
    "Prices of flour and fuel in {P} have more than doubled this year.",
    "Neither side commented on the number of its own casualties.",
    "The offensive around {P} has been the focus of the fighting for months.",
    "Volunteers in {P} have set up kitchens that serve {N} meals a day.",
    "Analysts said the attack showed how exposed {P} remains to long-range weapons.",
    "The last functioning bakery in {P} closed on {DAY}.",
    "A convoy of {N} lorries was waiting at the border for permission to cross.",
    "Mobile networks in {P} were down for most of the day.",
    "The area has been mined heavily, according to deminers working near {P}.",
    "Local officials said rescue work in {P} was still under way.",
    "Movement along {F} has been restricted since {MONTH}, according to local authorities.",
    "Both sides accuse each other of endangering {F}.",
    "It was not possible to confirm the number of casualties.",
    "The figures could not be checked independently.",
    "The attack followed weeks of relative calm.",
    "Officials did not say when the road would reopen.",
    "Many families have already left, and those who remain are mostly elderly.",
    "The announcement came as foreign ministers prepared to meet later this week.",
    "Night-time curfews remain in force across much of the region.",
    "Rescue teams worked through the night to reach people trapped under the rubble.",
]
HEADLINES = [
    "Shelling Intensifies Near {P} as Talks Stall",
    "Aid Convoy Reaches {P} After Weeks of Siege",
    "Drone Strike Hits Energy Facility in {P}",
    "Thousands Flee {P} as Fighting Spreads",
    "Ceasefire Talks Resume in {P}",
    "Hospitals in {P} Overwhelmed After Overnight Attack",
    "Officials Trade Blame Over Strike on {P}",
    "Front Line Near {P} Holds Despite Heavy Losses",
    "Water Shortages Worsen in {P}",
    "Diplomats Push for Humanitarian Pause in {P}",
    "Residents of {P} Count the Cost of a Long Winter",
    "Prisoner Exchange Agreed After Talks in {P}",
]
DEKS = [
    "Officials on both sides gave conflicting accounts of what happened",
    "Aid agencies warn that the worst is yet to come",
    "The fighting has displaced tens of thousands of people this year",
    "Diplomats say a deal is possible, but not soon",
    "Residents describe nights spent in basements and days spent queueing",
    "The claims could not be independently verified",
]
SAY = ["said", "told reporters", "said in a statement", "wrote on social media", "told us"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August"]
MONTHS += ["September", "October", "November", "December"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ORDINALS = ["second", "third", "fourth", "fifth", "sixth", "seventh", "tenth"]
# Fictional outlets (reserved ``.example`` domains), by weight: a few large agencies and papers
# carry most of the corpus, as in real reporting, and the rest a share each.
OUTLETS = [
    ("Meridian Wire", "meridianwire.example", "GB", 30),
    ("The Northern Ledger", "northernledger.example", "US", 18),
    ("Danube Daily", "danubedaily.example", "AT", 12),
    ("Sahel Observer", "sahelobserver.example", "SN", 9),
    ("Levant Times", "levanttimes.example", "LB", 8),
    ("Baltic Courier", "balticcourier.example", "LT", 7),
    ("Great Lakes Monitor", "greatlakesmonitor.example", "RW", 6),
    ("Caspian Herald", "caspianherald.example", "GE", 4),
    ("Irrawaddy Post", "irrawaddypost.example", "TH", 3),
    ("Horn Report", "hornreport.example", "KE", 2),
    ("Steppe Gazette", "steppegazette.example", "KZ", 1),
]

AUTHOR_ROLES = [
    "a correspondent covering conflict and diplomacy",
    "a reporter based in Istanbul",
    "an editor on the foreign desk",
    "a freelance journalist who has reported from the region since 2014",
    "a senior correspondent",
]


# --- The world: speakers, places, authors -------------------------------------------------------


@dataclass(frozen=True)
class PlaceSpec:
    name: str
    kind: str
    latitude: float
    longitude: float
    country_code: str
    aliases: tuple[str, ...]
    slug: str = ""

    @classmethod
    def of(cls, row: PlaceRow) -> PlaceSpec:
        return cls(*row[:5], tuple(row[5]), slugify(row[0]))


@dataclass(frozen=True)
class SpeakerSpec:
    name: str
    kind: str
    role: str
    said_by: str  # how a sentence names them: "Olena Kovalenko", "the Kremlin"
    slug: str = ""

    @property
    def introduction(self) -> str:
        """The first attribution in an article: with the role, when there is one."""
        if not self.role:
            return self.said_by
        vowel = self.role[0] in "aeiouAEIOU" and not self.role.startswith(("UN", "US", "Uk"))
        article = "an" if vowel else "a"
        return f"{self.said_by}, {article} {self.role}"


@dataclass
class World:
    """Who and where the corpus talks about: the same for every seed."""

    places: dict[str, list[PlaceSpec]]  # by theatre, plus "world"
    speakers: dict[str, list[SpeakerSpec]]  # by theatre, plus "world"
    authors: list[tuple[str, str]]  # (name, bio)

    @classmethod
    def build(cls) -> World:
        rng = random.Random("newsroom-world")
        places = {t: [PlaceSpec.of(p) for p in ps] for t, ps in PLACES.items()}
        places["world"] = [PlaceSpec.of(p) for p in WORLD_PLACES]
        speakers = {}
        for theatre, (first, last) in NAMES.items():
            combos = sorted({(f, s) for f in first for s in last})
            rng.shuffle(combos)
            count = PERSONS_PER_THEATRE if theatre != "world" else 30
            people = [
                SpeakerSpec(
                    f"{f} {s}",
                    "person",
                    rng.choice(ROLES[theatre]),
                    f"{f} {s}",
                    slugify(f"{f} {s}"),
                )
                for f, s in combos[:count]
            ]
            orgs = [
                SpeakerSpec(name, "organisation", "", said_by, slugify(name))
                for name, said_by in ORGANISATIONS[theatre]
            ]
            speakers[theatre] = orgs + people
        first, last = NAMES["world"]
        authors = []
        for f, s in sorted({(f, s) for f in first for s in last})[::7][:24]:
            name = f"{f} {s}"
            authors.append((name, f"{name} is {rng.choice(AUTHOR_ROLES)}."))
        return cls(places, speakers, authors)

    def all_places(self) -> list[PlaceSpec]:
        return [p for ps in self.places.values() for p in ps]

    def all_speakers(self) -> list[SpeakerSpec]:
        return [s for ss in self.speakers.values() for s in ss]


# --- One article ---------------------------------------------------------------------------------


@dataclass
class GeneratedArticle:
    slug: str
    headline: str
    dek: str
    body: str
    published_on: datetime.date
    author: tuple[str, str]  # (name, bio)
    outlet: str = OUTLETS[0][1]  # its domain
    # (start, end, kind, speaker slug, place slugs inside the quote)
    quotes: list[tuple[int, int, str, str, tuple[str, ...]]] = field(default_factory=list)
    # (start, end, place slug)
    mentions: list[tuple[int, int, str]] = field(default_factory=list)

    @property
    def words(self) -> int:
        return len(self.body.split())

    def as_text(self) -> str:
        """The article as a plain-text file in the seed's format (what import_articles reads)."""
        return "\n\n".join([self.headline, self.dek, self.body, self.author[1]]) + "\n"


class Writer:
    """Appends text and records spans at their exact offsets."""

    def __init__(self, rng: random.Random, world: World, theatre: str):
        self.rng = rng
        self.parts: list[str] = []
        self.position = 0
        self.quotes: list = []
        self.mentions: list = []
        # An article is about a few places of its theatre (and, now and then, a capital abroad);
        # rivers, seas and facilities have sentences of their own.
        local = [p for p in world.places[theatre] if p.kind in ("city", "region", "country")]
        self.local = rng.sample(local, min(6, len(local)))
        self.features = [p for p in world.places[theatre] if p not in local]
        self.abroad = world.places["world"]
        # Each article follows a few speakers: some are quoted more than once.
        speakers = world.speakers[theatre]
        popular = speakers[:12]  # organisations and the first people: quoted everywhere
        self.cast = rng.sample(popular, 2) + rng.sample(speakers, 3)
        self.cast += rng.sample(world.speakers["world"], 1)
        self.introduced: set[str] = set()

    def text(self, value: str) -> None:
        self.parts.append(value)
        self.position += len(value)

    def place(self, inside: list | None = None, feature: bool = False, other_than: str = ""):
        if feature:
            spec = self.rng.choice(self.features)
            if not spec.name.startswith("Lake "):
                self.text("the ")
        elif self.rng.random() < 0.04:
            spec = self.rng.choice(self.abroad)
        else:
            spec = self.rng.choice(self.local)
            while spec.slug == other_than:
                spec = self.rng.choice(self.local)
        start = self.position
        self.text(spec.name)
        self.mentions.append((start, self.position, spec.slug))
        if inside is not None:
            inside.append(spec.slug)

    def template(self, template: str, inside: list | None = None) -> None:
        """Write ``template``, turning {P}/{P2} into place mentions and filling the rest."""
        rng = self.rng
        for piece in _split(template):
            if piece == "{P}":
                self.place(inside)
            elif piece == "{P2}":  # another place than {P}
                self.place(inside, other_than=self.mentions[-1][2] if self.mentions else "")
            elif piece == "{F}":
                self.place(inside, feature=True)
            elif piece == "{N}":
                self.text(str(rng.choice([2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30, 40, 120, 300])))
            elif piece == "{ORD}":
                self.text(rng.choice(ORDINALS))
            elif piece == "{MONTH}":
                self.text(rng.choice(MONTHS))
            elif piece == "{DAY}":
                self.text(rng.choice(DAYS))
            else:
                self.text(piece)

    def speaker(self) -> SpeakerSpec:
        return self.rng.choice(self.cast)

    def attribution(self, speaker: SpeakerSpec) -> tuple[str, bool]:
        """How this sentence names ``speaker``, and whether that ends with an apposition."""
        if speaker.slug in self.introduced or not speaker.role:
            self.introduced.add(speaker.slug)
            return speaker.said_by, False
        self.introduced.add(speaker.slug)
        return speaker.introduction, True

    def quote(self, kind: str, template: str, speaker: SpeakerSpec) -> None:
        places: list[str] = []
        start = self.position
        self.template(template, places)
        self.quotes.append((start, self.position, kind, speaker.slug, tuple(dict.fromkeys(places))))

    def sentence(self) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.55:
            self.template(rng.choice(NARRATIVE))
            return
        speaker = self.speaker()
        who, apposition = self.attribution(speaker)
        subject = _capital(who) + ("," if apposition else "")
        if roll < 0.78:  # a direct quote, its attribution after or before
            if rng.random() < 0.5:
                self.text('"')
                self.quote(Quote.Kind.DIRECT, rng.choice(DIRECT), speaker)
                self.text(f'," said {who}.')
            else:
                self.text(f'{subject} {rng.choice(SAY)}: "')
                self.quote(Quote.Kind.DIRECT, rng.choice(DIRECT), speaker)
                self.text('."')
        elif roll < 0.91:  # a paraphrase
            self.text(f"{subject} {rng.choice(['said', 'told reporters', 'added'])} that ")
            self.quote(Quote.Kind.INDIRECT, rng.choice(CLAUSES), speaker)
            self.text(".")
        else:  # a reported claim
            if rng.random() < 0.5:
                self.text(f"According to {who}, ")
            else:
                self.text(f"{subject} claimed that ")
            self.quote(Quote.Kind.CLAIM, rng.choice(CLAUSES), speaker)
            self.text(".")

    def body(self, min_words: int, min_spans: int = 0) -> str:
        """Paragraphs of 1 to 4 sentences until the body has ``min_words`` words (and spans)."""
        words = 0
        rng = self.rng
        while words < min_words or len(self.quotes) + len(self.mentions) < min_spans:
            if self.parts:
                self.text("\n\n")
            for n in range(rng.choice([1, 2, 2, 3, 3, 4])):
                if n:
                    self.text(" ")
                mark = len(self.parts)
                self.sentence()
                words += len("".join(self.parts[mark:]).split())
                if words >= min_words and len(self.quotes) + len(self.mentions) >= min_spans:
                    break
        return "".join(self.parts)


def _split(template: str) -> list[str]:
    pieces, rest = [], template
    while "{" in rest:
        before, _, after = rest.partition("{")
        name, _, rest = after.partition("}")
        if before:
            pieces.append(before)
        pieces.append("{" + name + "}")
    if rest:
        pieces.append(rest)
    return pieces


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def generate_article(
    world: World, seed: int, index: int, words: int | None = None, spans: int = 0
) -> GeneratedArticle:
    """Article ``index`` of the corpus for ``seed``: the same whatever else is generated."""
    rng = random.Random(f"{seed}:{index}")
    theatre = rng.choices(list(THEATRE_WEIGHTS), weights=list(THEATRE_WEIGHTS.values()))[0]
    writer = Writer(rng, world, theatre)
    # MAX_WORDS minus the longest sentence: the last one may overshoot the target.
    body = writer.body(words or rng.randint(MIN_WORDS, MAX_WORDS - 50), spans)
    where = rng.choice(world.places[theatre][:12]).name
    headline = rng.choice(HEADLINES).replace("{P}", where)
    days = (LAST_DAY - FIRST_DAY).days
    return GeneratedArticle(
        slug=f"{slugify(headline)[:120]}-{seed}-{index}",
        headline=headline,
        dek=rng.choice(DEKS),
        body=body,
        published_on=FIRST_DAY + datetime.timedelta(days=rng.randint(0, days)),
        author=rng.choice(world.authors),
        # A stream of its own, so that adding outlets changed no other draw of the corpus.
        outlet=random.Random(f"{seed}:{index}:outlet").choices(
            [domain for _, domain, _, _ in OUTLETS], weights=[w for *_, w in OUTLETS]
        )[0],
        quotes=writer.quotes,
        mentions=writer.mentions,
    )


def generate_heavy(
    world: World, seed: int, words: int = HEAVY_WORDS, annotations: int = HEAVY_ANNOTATIONS
) -> GeneratedArticle:
    """The ``heavy`` article: ``words`` words and exactly ``annotations`` spans."""
    article = generate_article(world, seed, -1, words=words, spans=annotations)
    quotes, mentions = sorted(article.quotes), sorted(article.mentions)
    # The first ``annotations`` spans by position (a mention before a quote of the same text):
    # a first stretch of the quotes and one of the mentions, each in order.
    first = sorted(
        [(q[0], q[1], "quote") for q in quotes] + [(m[0], m[1], "mention") for m in mentions]
    )[:annotations]
    kept_quotes = sum(kind == "quote" for _, _, kind in first)
    article.quotes = quotes[:kept_quotes]
    article.mentions = mentions[: len(first) - kept_quotes]
    article.slug = HEAVY_SLUG
    article.headline = f"The Long War: A Chronicle in {annotations:,} Annotations"
    return article


# --- Writing it to the database -----------------------------------------------------------------


def ensure_world(world: World) -> tuple[dict, dict, dict, dict]:
    """Speakers, places, authors and outlets by slug (or name, for authors; domain, for outlets):
    existing rows are reused."""
    places = {
        p.slug: p for p in Place.objects.filter(slug__in=[s.slug for s in world.all_places()])
    }
    Place.objects.bulk_create(
        [
            Place(
                name=s.name,
                slug=s.slug,
                kind=s.kind,
                latitude=s.latitude,
                longitude=s.longitude,
                country_code=s.country_code,
                aliases=list(s.aliases),
            )
            for s in world.all_places()
            if s.slug not in places
        ]
    )
    speakers_wanted = world.all_speakers()
    speakers = {
        s.slug: s for s in Speaker.objects.filter(slug__in=[s.slug for s in speakers_wanted])
    }
    Speaker.objects.bulk_create(
        [
            Speaker(
                name=s.name,
                slug=s.slug,
                kind=s.kind,
                role=s.role,
                aliases=[s.name.split()[-1]] if s.kind == "person" else [],
            )
            for s in speakers_wanted
            if s.slug not in speakers
        ]
    )
    authors = {a.name: a for a in Author.objects.filter(name__in=[n for n, _ in world.authors])}
    Author.objects.bulk_create(
        [
            Author(name=name, slug=slugify(name), bio=bio)
            for name, bio in world.authors
            if name not in authors
        ]
    )
    outlets = set(Outlet.objects.values_list("domain", flat=True))
    Outlet.objects.bulk_create(
        [
            Outlet(name=name, slug=slugify(name), domain=domain, country=country)
            for name, domain, country, _ in OUTLETS
            if domain not in outlets
        ]
    )
    slugs = [s.slug for s in world.all_places()]
    return (
        {p.slug: p.pk for p in Place.objects.filter(slug__in=slugs)},
        {s.slug: s.pk for s in Speaker.objects.filter(slug__in=[s.slug for s in speakers_wanted])},
        {a.name: a.pk for a in Author.objects.filter(name__in=[n for n, _ in world.authors])},
        dict(
            Outlet.objects.filter(domain__in=[d for _, d, _, _ in OUTLETS]).values_list(
                "domain", "pk"
            )
        ),
    )


def insert(
    batch: list[GeneratedArticle],
    place_ids: dict,
    speaker_ids: dict,
    author_ids: dict,
    outlet_ids: dict,
):
    """Write one batch of articles with their spans; returns the new article ids."""
    confirmed = Span.Status.CONFIRMED
    with transaction.atomic():
        articles = Article.objects.bulk_create(
            [
                Article(
                    slug=g.slug,
                    headline=g.headline,
                    dek=g.dek,
                    body=g.body,
                    author_id=author_ids[g.author[0]],
                    outlet_id=outlet_ids[g.outlet],
                    published_on=g.published_on,
                    status=Article.Status.PUBLISHED,
                )
                for g in batch
            ]
        )
        quotes, places_of_quotes, mentions = [], [], []
        for article, g in zip(articles, batch, strict=True):
            body = g.body
            for start, end, kind, speaker, places in g.quotes:
                prefix, suffix = context(body, start, end)
                quotes.append(
                    Quote(
                        article_id=article.pk,
                        start=start,
                        end=end,
                        exact=body[start:end],
                        prefix=prefix,
                        suffix=suffix,
                        status=confirmed,
                        kind=kind,
                        speaker_id=speaker_ids[speaker],
                        article_date=article_date(article),
                    )
                )
                places_of_quotes.append(places)
            for start, end, place in g.mentions:
                prefix, suffix = context(body, start, end)
                mentions.append(
                    PlaceMention(
                        article_id=article.pk,
                        start=start,
                        end=end,
                        exact=body[start:end],
                        prefix=prefix,
                        suffix=suffix,
                        status=confirmed,
                        place_id=place_ids[place],
                        article_date=article_date(article),
                    )
                )
        Quote.objects.bulk_create(quotes, batch_size=2000)
        PlaceMention.objects.bulk_create(mentions, batch_size=2000)
        through = Quote.places.through
        Quote.places.through.objects.bulk_create(
            [
                through(quote_id=quote.pk, place_id=place_ids[place])
                for quote, places in zip(quotes, places_of_quotes, strict=True)
                for place in places
            ],
            batch_size=5000,
        )
        ids = [a.pk for a in articles]
        refresh_vectors(ids)
    return ids, len(quotes), len(mentions)


def analyze() -> None:
    """Fresh planner statistics for the tables a bulk load fills (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (
            Article,
            Quote,
            PlaceMention,
            Quote.places.through,
            Speaker,
            Place,
            Author,
            Outlet,
        ):
            cursor.execute(f"ANALYZE {model._meta.db_table}")


class Command(BaseCommand):
    help = "Generate N published, annotated synthetic articles (deterministic for a seed)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True, help="how many articles")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--heavy",
            action="store_true",
            help=f"also the article '{HEAVY_SLUG}' ({HEAVY_WORDS:,} words, "
            f"{HEAVY_ANNOTATIONS:,} annotations)",
        )
        parser.add_argument("--heavy-words", type=int, default=HEAVY_WORDS, help="its size")
        parser.add_argument(
            "--heavy-annotations", type=int, default=HEAVY_ANNOTATIONS, help="its annotations"
        )
        parser.add_argument("--batch-size", type=int, default=1000, help="articles per insert")

    def handle(self, *args, articles, seed, heavy, heavy_words, heavy_annotations, batch_size, **o):
        if articles < 0 or batch_size < 1:
            raise CommandError("--articles must be >= 0 and --batch-size >= 1")
        world = World.build()
        first = [generate_article(world, seed, i).slug for i in range(min(articles, 50))]
        if Article.objects.filter(slug__in=first + ([HEAVY_SLUG] if heavy else [])).exists():
            raise CommandError(
                f"a corpus for seed {seed} (or the '{HEAVY_SLUG}' article) is in this database "
                "already; use another --seed, or an empty database"
            )
        started = time.perf_counter()
        place_ids, speaker_ids, author_ids, outlet_ids = ensure_world(world)
        progress = Progress(articles + (1 if heavy else 0), "articles", self.stderr)
        done = n_quotes = n_mentions = 0
        pending: list[GeneratedArticle] = []
        if heavy:
            pending.append(generate_heavy(world, seed, heavy_words, heavy_annotations))
        batches, next_analyze = 0, 1
        for index in range(articles + 1):
            if index < articles:
                pending.append(generate_article(world, seed, index))
            if pending and (len(pending) >= batch_size or index == articles):
                _, q, m = insert(pending, place_ids, speaker_ids, author_ids, outlet_ids)
                done, n_quotes, n_mentions = done + len(pending), n_quotes + q, n_mentions + m
                pending = []
                progress.update(done)
                batches += 1
                if batches == next_analyze:
                    # Statistics of a table that was nearly empty make the planner pick plans
                    # that get slower with every batch (refresh_vectors' subqueries scanning all
                    # the quotes of each speaker): analyse after batches 1, 2, 4, 8, ...
                    analyze()
                    next_analyze *= 2
        progress.close()
        analyze()
        # Bulk inserts bypass the operations; they made their own vectors and span dates.
        operations.rebuild_everything(derived=False)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Generated {done:,} articles, {n_quotes:,} quotes and {n_mentions:,} place mentions "
            f"in {elapsed:.1f}s ({done / elapsed if elapsed else 0:,.0f} articles/s)."
        )
