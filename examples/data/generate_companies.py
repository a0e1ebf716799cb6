"""Write examples/data/companies.csv: 500 generated Ukrainian companies.

The rows are invented from word parts with a fixed seed, so every run writes
the same file. EDRPOU codes carry a valid check digit, phones use Ukrainian
operator codes, and e-mail addresses use the reserved example.com domain.

Usage: python3 examples/data/generate_companies.py [--rows N] [--out FILE]
"""

import argparse
import csv
import pathlib
import random

SEED = 20240520

FORMS = ["ТОВ", "ТОВ", "ТОВ", "ПП", "ПрАТ", "АТ"]
FORM_LATIN = {"ТОВ": "tov", "ПП": "pp", "ПрАТ": "prat", "АТ": "at"}
ROOTS = [
    ("Агро", "agro"), ("Буд", "bud"), ("Енерго", "energo"), ("Тех", "tekh"),
    ("Дніпро", "dnipro"), ("Карпат", "karpat"), ("Поділ", "podil"), ("Світ", "svit"),
    ("Лан", "lan"), ("Хліб", "khlib"), ("Метал", "metal"), ("Транс", "trans"),
    ("Сонце", "sontse"), ("Вітер", "viter"), ("Зерно", "zerno"), ("Ліс", "lis"),
    ("Мед", "med"), ("Фарм", "farm"), ("Еко", "eko"), ("Граніт", "hranit"),
]
SUFFIXES = [
    ("сервіс", "servis"), ("постач", "postach"), ("торг", "torh"), ("пром", "prom"),
    ("інвест", "invest"), ("груп", "hrup"), ("маш", "mash"), ("логістик", "lohistyk"),
    ("продукт", "produkt"), ("систем", "system"), ("трейд", "treid"), ("монтаж", "montazh"),
    ("ресурс", "resurs"), ("альянс", "alians"), ("експорт", "eksport"),
]
CITIES = [
    "Київ", "Львів", "Харків", "Одеса", "Дніпро", "Запоріжжя", "Вінниця", "Полтава",
    "Чернігів", "Житомир", "Суми", "Рівне", "Луцьк", "Тернопіль", "Івано-Франківськ",
    "Ужгород", "Черкаси", "Хмельницький", "Кропивницький", "Миколаїв", "Чернівці",
]
OPERATOR_CODES = ["44", "50", "63", "66", "67", "68", "73", "93", "95", "96", "97", "98", "99"]
HEADER = ["title", "edrpou", "city", "phone", "email"]


def edrpou_check_digit(first_seven: str) -> int:
    """Compute the EDRPOU check digit (weights 1..7, or 7..13 for codes 30-60 million)."""
    digits = [int(d) for d in first_seven]
    start = 7 if 30_000_000 <= int(first_seven) * 10 < 60_000_000 else 1
    for offset in (0, 2):
        total = sum(d * (start + offset + i) for i, d in enumerate(digits))
        check = total % 11
        if check < 10:
            return check
    return 0


def generate(rows: int) -> list:
    rng = random.Random(SEED)
    seen_titles = set()
    seen_codes = set()
    result = []
    while len(result) < rows:
        root, root_latin = rng.choice(ROOTS)
        suffix, suffix_latin = rng.choice(SUFFIXES)
        form = rng.choice(FORMS)
        number = rng.randint(1, 99) if rng.random() < 0.3 else None
        name = root + suffix
        slug = root_latin + suffix_latin
        if number is not None:
            name += f"-{number}"
            slug += str(number)
        title = f"{form} «{name}»"
        if title in seen_titles:
            continue
        first_seven = f"{rng.randint(1_000_000, 4_499_999):07d}"
        code = first_seven + str(edrpou_check_digit(first_seven))
        if code in seen_codes:
            continue
        seen_titles.add(title)
        seen_codes.add(code)
        phone = "+380" + rng.choice(OPERATOR_CODES) + f"{rng.randint(0, 9_999_999):07d}"
        email = f"{slug}.{FORM_LATIN[form]}@example.com"
        result.append([title, code, rng.choice(CITIES), phone, email])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500, help="number of companies (default 500)")
    parser.add_argument(
        "--out",
        type=pathlib.Path,
        default=pathlib.Path(__file__).with_name("companies.csv"),
        help="CSV file to write (default examples/data/companies.csv)",
    )
    args = parser.parse_args()
    with args.out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(generate(args.rows))
    print(f"wrote {args.rows} companies to {args.out}")


if __name__ == "__main__":
    main()
