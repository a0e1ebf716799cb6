//! Word lists and transliteration for the generated demo portal.

pub const MALE_NAMES: &[&str] = &[
    "Олександр",
    "Андрій",
    "Дмитро",
    "Сергій",
    "Іван",
    "Максим",
    "Богдан",
    "Тарас",
    "Олег",
    "Юрій",
    "Василь",
    "Микола",
    "Петро",
    "Ярослав",
    "Віталій",
    "Роман",
];

pub const FEMALE_NAMES: &[&str] = &[
    "Олена",
    "Ірина",
    "Наталія",
    "Оксана",
    "Тетяна",
    "Юлія",
    "Марія",
    "Анна",
    "Катерина",
    "Світлана",
    "Людмила",
    "Софія",
    "Дарина",
    "Христина",
    "Галина",
    "Вікторія",
];

/// Surnames that do not change with gender.
pub const SURNAMES: &[&str] = &[
    "Шевченко",
    "Коваленко",
    "Бондаренко",
    "Ткаченко",
    "Кравченко",
    "Олійник",
    "Шевчук",
    "Поліщук",
    "Бондар",
    "Ковальчук",
    "Мельник",
    "Савченко",
    "Руденко",
    "Мороз",
    "Лисенко",
    "Марченко",
    "Петренко",
    "Кузьменко",
    "Павлюк",
    "Гнатюк",
    "Литвиненко",
    "Білик",
    "Дорошенко",
    "Остапчук",
];

/// Patronymics as (male, female) pairs.
pub const PATRONYMICS: &[(&str, &str)] = &[
    ("Петрович", "Петрівна"),
    ("Іванович", "Іванівна"),
    ("Олександрович", "Олександрівна"),
    ("Васильович", "Василівна"),
    ("Миколайович", "Миколаївна"),
    ("Сергійович", "Сергіївна"),
    ("Андрійович", "Андріївна"),
    ("Юрійович", "Юріївна"),
];

pub const BRAND_STARTS: &[&str] = &[
    "Агро",
    "Буд",
    "Енерго",
    "Техно",
    "Інфо",
    "Мета",
    "Еко",
    "Пром",
    "Укр",
    "Дніпро",
    "Карпат",
    "Поділ",
    "Смарт",
    "Тера",
    "Віта",
    "Граніт",
];

pub const BRAND_ENDS: &[&str] = &[
    "світ",
    "трейд",
    "сервіс",
    "груп",
    "інвест",
    "постач",
    "логістик",
    "маркет",
    "систем",
    "мір",
    "лайн",
    "профі",
];

/// Legal forms written before a brand in guillemets.
pub const LEGAL_FORMS: &[&str] = &["ТОВ", "ТОВ", "ТОВ", "ПП", "АТ", "ПрАТ"];

pub const CITIES: &[&str] = &[
    "Київ",
    "Львів",
    "Харків",
    "Одеса",
    "Дніпро",
    "Запоріжжя",
    "Вінниця",
    "Полтава",
    "Чернігів",
    "Івано-Франківськ",
    "Ужгород",
    "Тернопіль",
    "Луцьк",
    "Житомир",
];

pub const STREETS: &[&str] = &[
    "вул. Хрещатик",
    "вул. Шевченка",
    "просп. Незалежності",
    "вул. Грушевського",
    "вул. Франка",
    "вул. Лесі Українки",
    "просп. Перемоги",
    "вул. Садова",
];

pub const SERVICES: &[&str] = &[
    "Постачання обладнання",
    "Монтаж системи опалення",
    "Річне обслуговування",
    "Ліцензії на ПЗ",
    "Консалтинг",
    "Розробка сайту",
    "Оренда техніки",
    "Поставка насіння",
    "Аудит безпеки",
    "Навчання персоналу",
    "Сонячна електростанція",
    "Ремонт офісу",
];

pub const MOBILE_CODES: &[&str] = &[
    "50", "63", "66", "67", "68", "73", "93", "95", "96", "97", "98", "99",
];

pub const MAIL_DOMAINS: &[&str] = &["gmail.com", "ukr.net", "i.ua", "meta.ua"];

/// Transliterates Ukrainian text to lower-case Latin letters, digits and
/// `sep` (for e-mail names and table names), following the letter table of
/// the Ukrainian national transliteration standard (2010), simplified to
/// one form per letter.
pub fn transliterate(text: &str, sep: char) -> String {
    let mut out = String::new();
    for ch in text.chars().flat_map(char::to_lowercase) {
        let latin = match ch {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "h",
            'ґ' => "g",
            'д' => "d",
            'е' => "e",
            'є' => "ie",
            'ж' => "zh",
            'з' => "z",
            'и' => "y",
            'і' => "i",
            'ї' => "i",
            'й' => "i",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ю' => "iu",
            'я' => "ia",
            'ь' | '\'' | '’' | 'ʼ' => "",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => {
                if !out.is_empty() && !out.ends_with(sep) {
                    out.push(sep);
                }
                continue;
            }
        };
        out.push_str(latin);
    }
    out.trim_end_matches(sep).to_string()
}

/// Appends the check digit to a seven-digit EDRPOU (Ukrainian company
/// register) base, using the register's weighted sum modulo 11.
pub fn edrpou_with_check_digit(base: u32) -> String {
    let digits: Vec<u32> = format!("{:07}", base % 10_000_000)
        .chars()
        .filter_map(|c| c.to_digit(10))
        .collect();
    // Codes between 30000000 and 60000000 use the shifted weight row.
    let shifted = (3_000_000..6_000_000).contains(&(base % 10_000_000));
    let weights: [u32; 7] = if shifted {
        [7, 1, 2, 3, 4, 5, 6]
    } else {
        [1, 2, 3, 4, 5, 6, 7]
    };
    let sum = |offset: u32| -> u32 {
        digits
            .iter()
            .zip(weights)
            .map(|(d, w)| d * (w + offset))
            .sum::<u32>()
            % 11
    };
    let mut check = sum(0);
    if check == 10 {
        check = sum(2);
        if check == 10 {
            check = 0;
        }
    }
    format!("{:07}{}", base % 10_000_000, check)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transliterates_names() {
        assert_eq!(transliterate("Олександр", '.'), "oleksandr");
        assert_eq!(transliterate("Шевченко", '.'), "shevchenko");
        assert_eq!(transliterate("Мої проєкти 2", '_'), "moi_proiekty_2");
    }

    #[test]
    fn edrpou_has_eight_digits() {
        let code = edrpou_with_check_digit(1234567);
        assert_eq!(code.len(), 8);
        assert!(code.starts_with("1234567"));
    }
}
