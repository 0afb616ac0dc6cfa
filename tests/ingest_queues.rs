//! The queue list (spec queues.md §3) through the real CSV reader: header names and aliases,
//! `;` lists, separators, typed values and the cell problems pre-flight reports.

use onboard::ingest::queues::{
    FlowSlot, Media, QueueColumn, column_for_header, read_bytes, typed_row,
};
use onboard::model::FindingCode;

const FULL: &str = "\u{feff}Queue Name,Division,description,template_queue,wrapup_prompt,acw_timeout_s,skill_evaluation,scoring,last_agent_routing,call_alert_s,call_sl_pct,call_sl_ms,chat_auto_answer,in_queue_flow,email_in_queue_flow,calling_party_number,enable_transcription,wrapup_codes,skill_groups,groups,members,required_skills,notes\r\n\
Billing EN,Sales,\"Billing, English\",Template,mandatory_timeout,30,best,priorityonly,anyagent,12,80,20000,yes,Main Hold,Mail Hold,+1 (317) 555-0100,TRUE,Sale Complete; Callback Requested;sale complete,Tier 1,Supervisors,Ann@Example.com; bo@example.com,Billing;Spanish,keep me\r\n";

#[test]
fn a_full_row_reads_into_types() {
    let list = read_bytes("queues.csv", FULL.as_bytes()).unwrap();
    assert_eq!(list.rows.len(), 1);
    assert_eq!(
        list.columns.last(),
        Some(&None),
        "'notes' is not a queue column"
    );
    let q = typed_row(&list, &list.rows[0]);
    assert!(q.problems.is_empty(), "{:?}", q.problems);
    assert_eq!((q.row, q.line), (1, 2));
    assert_eq!(q.name, "Billing EN");
    assert_eq!(q.division.as_deref(), Some("Sales"));
    assert_eq!(q.description.as_deref(), Some("Billing, English"));
    assert_eq!(q.copy_from.as_deref(), Some("Template"));
    assert_eq!(q.acw, Some("MANDATORY_TIMEOUT"));
    assert_eq!(q.acw_timeout_s, Some(30));
    assert_eq!(q.skill_evaluation, Some("BEST"));
    assert_eq!(q.scoring, Some("PriorityOnly"));
    assert_eq!(q.last_agent_routing, Some("AnyAgent"));
    let call = &q.media[&Media::Call];
    assert_eq!(
        (call.alert_s, call.sl_pct, call.sl_ms),
        (Some(12), Some(80.0), Some(20000))
    );
    assert_eq!(q.media[&Media::Chat].auto_answer, Some(true));
    assert!(!q.media.contains_key(&Media::Email));
    assert_eq!(q.flows[&FlowSlot::Call], "Main Hold");
    assert_eq!(q.flows[&FlowSlot::Email], "Mail Hold");
    assert_eq!(q.calling_party_number.as_deref(), Some("+13175550100"));
    assert_eq!(q.enable_transcription, Some(true));
    // A repeat in a list (any case) is one item.
    assert_eq!(q.wrapup_codes, ["Sale Complete", "Callback Requested"]);
    assert_eq!(q.skill_groups, ["Tier 1"]);
    assert_eq!(q.groups, ["Supervisors"]);
    assert_eq!(q.members, ["ann@example.com", "bo@example.com"]);
    assert_eq!(q.required_skills, ["Billing", "Spanish"]);
}

#[test]
fn a_semicolon_separated_file_is_read_that_way() {
    let text = "name;division;wrapup_codes\nBilling;Sales;\"A; B\"\n";
    let list = read_bytes("q.csv", text.as_bytes()).unwrap();
    let q = typed_row(&list, &list.rows[0]);
    assert_eq!(q.name, "Billing");
    assert_eq!(q.wrapup_codes, ["A", "B"]);
}

#[test]
fn bad_cells_are_problems_and_stay_unset() {
    let text = "name,acw,acw_timeout_s,call_alert_s,call_sl_ms,call_sl_pct,calling_party_number,enable_transcription\n\
                Bad*Name,SOMETIMES,0,6,999,101,555-0100,maybe\n\
                ,,,,,,,\n\
                ,OPTIONAL,,,,,,\n";
    let list = read_bytes("q.csv", text.as_bytes()).unwrap();
    assert_eq!(list.rows.len(), 2, "an all-empty row is skipped");
    let q = typed_row(&list, &list.rows[0]);
    let codes: Vec<(String, FindingCode)> = q
        .problems
        .iter()
        .map(|p| (p.column.name(), p.code))
        .collect();
    assert_eq!(
        codes,
        [
            ("name".to_string(), FindingCode::InvalidValue),
            ("acw".to_string(), FindingCode::InvalidValue),
            ("acw_timeout_s".to_string(), FindingCode::InvalidValue),
            ("call_alert_s".to_string(), FindingCode::InvalidValue),
            ("call_sl_ms".to_string(), FindingCode::InvalidValue),
            ("call_sl_pct".to_string(), FindingCode::InvalidValue),
            (
                "calling_party_number".to_string(),
                FindingCode::InvalidPhone
            ),
            (
                "enable_transcription".to_string(),
                FindingCode::InvalidValue
            ),
        ]
    );
    assert_eq!((q.acw, q.acw_timeout_s), (None, None));
    assert!(q.media.is_empty());
    let unnamed = typed_row(&list, &list.rows[1]);
    assert_eq!(unnamed.problems[0].code, FindingCode::MissingField);
    assert_eq!(unnamed.acw, Some("OPTIONAL"));
}

#[test]
fn a_repeated_column_is_left_unmapped() {
    let list = read_bytes("q.csv", b"name,queue,division\nA,B,C\n").unwrap();
    assert_eq!(
        list.columns,
        [Some(QueueColumn::Name), None, Some(QueueColumn::Division)]
    );
    assert_eq!(list.cell(&list.rows[0], QueueColumn::Name), "A");
}

#[test]
fn json_and_empty_files_are_refused_in_one_line() {
    let e = read_bytes("q.json", b"{\"queues\": []}")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("not a CSV queue list") && e.contains("JSON"),
        "{e}"
    );
    let e = read_bytes("q.csv", b"\n\n").unwrap_err().to_string();
    assert!(e.contains("one row per queue"), "{e}");
}

#[test]
fn every_column_name_maps_back_to_itself() {
    for c in QueueColumn::all() {
        assert_eq!(column_for_header(&c.name()), Some(c), "{}", c.name());
    }
}
