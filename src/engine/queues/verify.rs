//! What a queue's read-back must hold: every field the row set, as set. Objects compare key
//! by key (the queue holds more than the row sets), numbers as numbers (`0.8` and `0.80`),
//! and `memberGroups` by inclusion (a merge keeps the queue's other groups).

use serde_json::Value;

/// The fields of `want` that `got` does not hold as wanted, as `path: wanted → got`.
pub fn differences(want: &Value, got: &Value) -> Vec<String> {
    let mut out = Vec::new();
    diff_at("", want, got, &mut out);
    out
}

fn diff_at(path: &str, want: &Value, got: &Value, out: &mut Vec<String>) {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            for (k, wv) in w {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match g.get(k) {
                    Some(gv) if k == "memberGroups" => included(&p, wv, gv, out),
                    Some(gv) => diff_at(&p, wv, gv, out),
                    None => out.push(format!("{p}: {wv} → (none)")),
                }
            }
        }
        (Value::Number(a), Value::Number(b)) => {
            let (a, b) = (
                a.as_f64().unwrap_or(f64::NAN),
                b.as_f64().unwrap_or(f64::NAN),
            );
            if (a - b).abs() > 1e-9 {
                out.push(format!("{path}: {a} → {b}"));
            }
        }
        (w, g) if w != g => out.push(format!("{path}: {w} → {g}")),
        _ => {}
    }
}

/// Every wanted element (by `id`) is present.
fn included(path: &str, want: &Value, got: &Value, out: &mut Vec<String>) {
    let ids = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.get("id").and_then(Value::as_str).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let have = ids(got);
    for id in ids(want) {
        if !have.contains(&id) {
            out.push(format!("{path}: {id} missing"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn extra_fields_pass_and_a_changed_one_is_named() {
        let want = json!({"description": "d", "mediaSettings": {"call": {"serviceLevel": {"percentage": 0.8}}},
            "memberGroups": [{"id": "g1", "type": "GROUP"}]});
        let got = json!({"description": "d", "other": 1, "mediaSettings": {"call": {"serviceLevel": {"percentage": 0.80, "durationMs": 20000}}},
            "memberGroups": [{"id": "g0", "type": "GROUP"}, {"id": "g1", "type": "GROUP"}]});
        assert!(differences(&want, &got).is_empty());
        let got = json!({"description": "x", "mediaSettings": {"call": {}}, "memberGroups": []});
        let d = differences(&want, &got);
        assert_eq!(d.len(), 3, "{d:?}");
        assert!(d[0].starts_with("description"), "{d:?}");
    }
}
