//! Numbers as people write them in names: "Billing Tier 2" and "Billing Tier II" are the
//! same queue to an admin, so suggestions compare them with the roman numeral read as its
//! arabic number.

/// The roman numerals read as numbers, I to XX (index + 1 is the value). Names number
/// tiers, levels and phases; beyond twenty a word of these letters is more likely a word.
const ROMAN: [&str; 20] = [
    "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv",
    "xvi", "xvii", "xviii", "xix", "xx",
];

/// The value of a whole word that is a roman numeral from I to XX, in any case.
pub fn roman_value(word: &str) -> Option<usize> {
    ROMAN
        .iter()
        .position(|r| r.eq_ignore_ascii_case(word))
        .map(|i| i + 1)
}

/// `name` lowercased with its whitespace dropped (as [`super::norm`]), every word after the
/// first that is a roman numeral from I to XX written as its arabic number. The first word
/// is kept as it is: a name that starts with "Vi" or "X" names a thing, not a number.
pub fn numbers_read(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    for (i, word) in name.split_whitespace().enumerate() {
        match roman_value(word).filter(|_| i > 0) {
            Some(n) => key.push_str(&n.to_string()),
            None => key.extend(word.chars().flat_map(char::to_lowercase)),
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_numeral_from_one_to_twenty_reads_as_its_number() {
        for (n, r) in ROMAN.iter().enumerate() {
            assert_eq!(roman_value(r), Some(n + 1), "{r}");
            assert_eq!(roman_value(&r.to_uppercase()), Some(n + 1), "{r}");
        }
        for word in ["", "xxi", "iiii", "vx", "ic", "mix", "vic", "l", "2"] {
            assert_eq!(roman_value(word), None, "{word}");
        }
    }

    #[test]
    fn words_after_the_first_that_are_numerals_become_numbers() {
        let cases = [
            ("Billing Tier II", "billingtier2"),
            ("Billing Tier 2", "billingtier2"),
            ("billing tier ii", "billingtier2"),
            ("Level IV Support", "level4support"),
            ("Team X", "team10"),
            ("Phase XX", "phase20"),
            // Kept as written: past twenty, inside a word, the first word.
            ("Phase XXI", "phasexxi"),
            ("Tier-II", "tier-ii"),
            ("Sales Vic", "salesvic"),
            ("Vi Team", "viteam"),
            ("X", "x"),
            ("  Support\tTier   III ", "supporttier3"),
        ];
        for (name, key) in cases {
            assert_eq!(numbers_read(name), key, "{name}");
        }
    }

    #[test]
    fn a_name_without_numerals_reads_as_norm_does() {
        for name in [
            "Technical Support",
            "Sales  Inbound",
            "Éclair Team",
            "a.b@x.com",
            "",
        ] {
            assert_eq!(numbers_read(name), super::super::norm(name), "{name}");
        }
    }
}
