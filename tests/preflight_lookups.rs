//! The users a list names, which the snapshot looks up: one function for `check`, `apply`
//! and the TUI (they used to disagree on case and on cells without `@`), through the real
//! CSV parser.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use onboard::model::ExternalId;
use onboard::preflight::users_to_look_up;

fn lookups(csv: &str) -> (Vec<String>, Vec<ExternalId>) {
    let list = onboard::ingest::read_bytes("hires.csv", csv.as_bytes()).unwrap();
    users_to_look_up(&list)
}

#[test]
fn emails_are_looked_up_once_whatever_their_case() {
    let (emails, _) = lookups(
        "email,name,manager_email\n\
         Ana.Lima@Example.com,Ana,BOSS@example.com\n\
         ana.lima@example.com,Ana again,boss@example.com\n\
         ben@example.com,Ben,Ana.Lima@example.COM\n",
    );
    assert_eq!(
        emails,
        [
            "ana.lima@example.com",
            "ben@example.com",
            "boss@example.com"
        ]
    );
}

#[test]
fn cells_that_cannot_be_an_email_are_not_looked_up() {
    let long = format!("{}@example.com", "a".repeat(300));
    let (emails, _) = lookups(&format!(
        "email,name,manager_email\n\
         not-an-email,Ana,the boss\n\
         ,Ben,\n\
         {long},Cy,cy.boss@example.com\n"
    ));
    // No `@`, empty, or over the 254-character limit: pre-flight reports those; only the
    // plausible address is searched.
    assert_eq!(emails, ["cy.boss@example.com"]);
}

#[test]
fn external_ids_are_parsed_and_deduplicated() {
    let (_, ext) = lookups(
        "email,name,external_id\n\
         a@example.com,A,workday:E1\n\
         b@example.com,B,workday:E1\n\
         c@example.com,C,not an id\n\
         d@example.com,D,workday:E2\n",
    );
    let keys: Vec<String> = ext
        .iter()
        .map(|e| format!("{}:{}", e.authority, e.key))
        .collect();
    assert_eq!(keys, ["workday:E1", "workday:E2"]);
}
