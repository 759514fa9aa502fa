//! Verbs that open SOP steps. A step says what to do; a list whose items mostly open with
//! something else ("Dairy products", "Off the floor") lists criteria, not work.

mod words;

use words::{NOT_VERBS, VERBS};

/// Whether `text` opens with a verb a step would open with ("Check", "Don't", "Re-stock").
pub fn opens_with_verb(text: &str) -> bool {
    let first: String = text
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '\'')
        .collect::<String>()
        .to_lowercase();
    let first = first.strip_prefix("re-").unwrap_or(&first);
    matches!(first, "do" | "always") || VERBS.binary_search(&first).is_ok()
}

/// Words that may stand between an opening verb and what it acts on: "Promote the
/// replica", "Drain a tank".
const ARTICLES: [&str; 4] = ["the", "a", "an", "your"];

/// Whether `text` reads as an instruction: it opens with a known verb, or with a word
/// followed by an article ("Promote the replica", "Rekey the vault"), which in an SOP is a
/// verb the list does not know. Gerunds ("Cleaning the oven"), past tenses ("Replaced the
/// liners") and third persons ("Checks the fridge") describe rather than instruct.
pub fn is_instruction(text: &str) -> bool {
    if opens_with_verb(text) {
        return true;
    }
    let mut words = text.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase());
    let (Some(first), Some(second)) = (words.next(), words.next()) else { return false };
    let describes = (first.len() > 5 && first.ends_with("ing"))
        || (first.len() > 4 && first.ends_with("ed"))
        || first.ends_with("ly")
        || (first.ends_with('s') && !first.ends_with("ss") && !first.ends_with("us"));
    first.chars().all(char::is_alphabetic)
        && !describes
        && NOT_VERBS.binary_search(&first.as_str()).is_err()
        && ARTICLES.contains(&second.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_verbs_before_an_article_are_instructions() {
        assert!(NOT_VERBS.is_sorted());
        for step in ["Promote the replica:", "Rekey the vault", "drain a tank", "Check the fridge", "Wipe counters"] {
            assert!(is_instruction(step), "{step}");
        }
        for not in [
            "All the chemicals",
            "Cleaning the oven",
            "Replaced the liners",
            "Checks the fridge",
            "Dairy",
            "After the shift",
            "Along the wall:",
            "Is the alert real?",
        ] {
            assert!(!is_instruction(not), "{not}");
        }
    }

    #[test]
    fn steps_open_with_verbs_and_criteria_do_not() {
        assert!(VERBS.is_sorted());
        for step in
            ["Check the fridge", "**Wash** used utensils", "Re-stock robot tips", "Always apply FIFO", "sign off"]
        {
            assert!(opens_with_verb(step), "{step}");
        }
        for criterion in ["Dairy products", "Off the floor", "Never smoke", "", "42"] {
            assert!(!opens_with_verb(criterion), "{criterion}");
        }
    }
}
