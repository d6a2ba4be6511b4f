"""Word lists for generated orders: Polish names, places, companies and a small catalogue."""

# ruff: noqa: RUF001 - Polish typography (en dashes, the multiplication sign) is intended.

from __future__ import annotations

MALE_FIRST_NAMES = (
    "Jan", "Łukasz", "Paweł", "Michał", "Grzegorz", "Wojciech", "Jędrzej", "Krzysztof", "Piotr",
    "Tomasz", "Mateusz", "Bartłomiej", "Zbigniew", "Stanisław", "Sławomir", "Przemysław", "Józef",
    "Mikołaj", "Adam", "Marcin",
)  # fmt: skip
FEMALE_FIRST_NAMES = (
    "Zuzanna", "Małgorzata", "Agnieszka", "Ewa", "Katarzyna", "Żaneta", "Bożena", "Anna", "Joanna",
    "Magdalena", "Urszula", "Jadwiga", "Łucja", "Aleksandra", "Dorota", "Grażyna", "Halina",
    "Weronika", "Beata", "Elżbieta",
)  # fmt: skip
# Male forms; `-ski`, `-cki` and `-dzki` take `-ska`, `-cka`, `-dzka` for women.
LAST_NAMES = (
    "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński", "Szymański",
    "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Krawczyk", "Piątek", "Grabowski",
    "Nowak", "Pawłowski", "Michalski", "Król", "Wieczorek", "Jabłoński", "Wróbel", "Stępień",
    "Malinowski", "Górski", "Sikora", "Bąk", "Chmielewski", "Włodarczyk", "Sokołowski",
    "Kaźmierczak", "Cieślak", "Głowacki", "Kołodziej", "Ziółkowski", "Przybylski", "Czarnecki",
    "Zawadzki", "Gołębiowski", "Śliwa",
)  # fmt: skip
CITIES = (
    ("Warszawa", "00"), ("Kraków", "30"), ("Łódź", "90"), ("Wrocław", "50"), ("Poznań", "60"),
    ("Gdańsk", "80"), ("Szczecin", "70"), ("Bydgoszcz", "85"), ("Lublin", "20"),
    ("Białystok", "15"), ("Katowice", "40"), ("Gdynia", "81"), ("Częstochowa", "42"),
    ("Toruń", "87"), ("Rzeszów", "35"), ("Kielce", "25"), ("Zielona Góra", "65"),
    ("Olsztyn", "10"), ("Bielsko-Biała", "43"), ("Gorzów Wielkopolski", "66"), ("Płock", "09"),
    ("Tarnów", "33"), ("Koszalin", "75"), ("Łomża", "18"), ("Świnoujście", "72"),
)  # fmt: skip
STREETS = (
    "Marszałkowska", "Piotrkowska", "Długa", "Ogrodowa", "Słoneczna", "Kościuszki", "Mickiewicza",
    "Żeromskiego", "Świętokrzyska", "Źródlana", "Łąkowa", "Polna", "Leśna", "Kwiatowa", "Szkolna",
    "Sienkiewicza", "Grunwaldzka", "Jagiellońska", "Wrzosowa", "Żwirki i Wigury",
)  # fmt: skip
COMPANY_WORDS = (
    "Żuraw", "Bursztyn", "Kłos", "Sokół", "Dąb", "Jantar", "Wisła", "Orzeł", "Gryf", "Łoś",
    "Promień", "Świt", "Zorza", "Kruk", "Mazowsze", "Pomorze", "Tęcza", "Źródło",
)  # fmt: skip
COMPANY_FORMS = ("Sp. z o.o.", "sp. z o.o. sp.k.", "S.A.", "s.c.", "sp.j.")
MESSAGES = (
    "Proszę o fakturę VAT.",
    "Proszę o szybką wysyłkę, to prezent.",
    "Czy można zapakować na prezent? Dziękuję!",
    "Proszę dzwonić przed dostawą.",
)

# (name, gross unit price in grosze, VAT rate or None when the offer has no rate set)
PRODUCTS = (
    ("Kubek ceramiczny z nadrukiem 330 ml", 2999, "23.00"),
    ("Słuchawki bezprzewodowe Bluetooth 5.3", 14999, "23.00"),
    ("Ładowarka sieciowa USB-C 65 W", 8990, "23.00"),
    ("Kabel HDMI 2.1 8K – 2 m", 3490, "23.00"),
    ("Plecak turystyczny 40 l wodoodporny", 18900, "23.00"),
    ("Lampka biurkowa LED z ładowarką", 12999, "23.00"),
    ("Zestaw śrubokrętów precyzyjnych 24 szt.", 4599, "23.00"),
    ("Koszulka bawełniana męska – rozmiar L", 4999, "23.00"),
    ("Książka „Pan Tadeusz” – wydanie szkolne", 2490, "5.00"),
    ("Miód wielokwiatowy 1,2 kg z pasieki", 5990, "5.00"),
    ("Fotelik samochodowy dla dziecka 9–18 kg", 49900, "5.00"),
    ("E-book „Ogniem i mieczem”", 1999, "5.00"),
    ("Pieluchy jednorazowe rozmiar 4 – 60 szt.", 6999, "8.00"),
    ("Suplement diety witamina D3 2000 j.m.", 2850, "8.00"),
    ("Bilet wstępu do ogrodu botanicznego", 3500, "8.00"),
    ("Kurs online: Excel od podstaw – dostęp", 19900, "23.00"),
    ("Zestaw do nauki czytania dla szkół", 15900, "0.00"),
    ("Podręcznik szkolny – wysyłka do UE", 6400, "0.00"),
    ("Świeca sojowa ręcznie robiona – lawenda", 3900, None),
    ("Obraz olejny na płótnie 40×50 cm", 45000, None),
)  # fmt: skip

# (method id, name, gross cost in grosze, has pickup point)
DELIVERY_METHODS = (
    ("1fa56f79-4b6a-4821-a6f2-ca9c16d5c925", "Allegro Paczkomaty InPost", 999, True),
    ("5d9c7838-e05f-4dec-afdd-58e884170ba7", "Allegro Kurier DPD", 1499, False),
    ("b20ef9e1-faa2-4f25-9032-adbea23e5cb9", "Allegro One Box, One Kurier", 899, True),
    ("758fcd59-fbfa-4453-ae07-4800d72c2ca5", "Allegro Pocztex Kurier 48", 1299, False),
    ("9081532b-5ad3-467d-80bc-9252982e9dd8", "Kurier DHL", 1999, False),
    ("7203cb90-864c-4cda-bf08-dc883f0c78ad", "Odbiór osobisty", 0, False),
)  # fmt: skip
