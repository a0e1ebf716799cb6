//! Checks of the operation table: against the API reference's endpoint
//! list (a copy of the contract in tests/data/endpoints.tsv) and for
//! internal consistency.

use std::collections::HashSet;

use uspacy::{AuthMode, BodyKind, Method, Paging, OPERATIONS};

struct Row {
    op_id: String,
    method: String,
    path: String,
    body: String,
}

fn contract_rows() -> Vec<Row> {
    let text = include_str!("data/endpoints.tsv");
    text.lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let columns: Vec<&str> = line.split('\t').collect();
            Row {
                op_id: columns[3].to_owned(),
                method: columns[4].to_owned(),
                path: columns[5].to_owned(),
                body: columns[8].to_owned(),
            }
        })
        .collect()
}

#[test]
fn contract_has_312_rows() {
    assert_eq!(contract_rows().len(), 312);
}

#[test]
fn every_contract_row_is_declared() {
    let mut missing = Vec::new();
    for row in contract_rows() {
        match uspacy::operation::find(&row.op_id) {
            None => missing.push(format!("{} is not declared", row.op_id)),
            Some(op) => {
                if op.method.as_str() != row.method {
                    missing.push(format!(
                        "{}: method {} but the contract says {}",
                        row.op_id, op.method, row.method
                    ));
                }
                if op.path != row.path {
                    missing.push(format!(
                        "{}: path {} but the contract says {}",
                        row.op_id, op.path, row.path
                    ));
                }
                let body = match op.body {
                    BodyKind::None => "none",
                    BodyKind::Json => "json",
                    BodyKind::Multipart => "multipart",
                };
                if body != row.body {
                    missing.push(format!(
                        "{}: body {body} but the contract says {}",
                        row.op_id, row.body
                    ));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "table drifted from the contract:\n{}",
        missing.join("\n")
    );
}

#[test]
fn op_ids_are_unique() {
    let mut seen = HashSet::new();
    for op in OPERATIONS {
        assert!(seen.insert(op.id), "duplicate op id {}", op.id);
    }
}

#[test]
fn op_ids_are_snake_case_paths() {
    for op in OPERATIONS {
        let parts: Vec<&str> = op.id.split('.').collect();
        assert!(
            (2..=4).contains(&parts.len()),
            "{} should have 2 to 4 parts",
            op.id
        );
        for part in parts {
            assert!(
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{}: `{part}` is not snake_case",
                op.id
            );
        }
    }
}

#[test]
fn paths_are_well_formed() {
    for op in OPERATIONS {
        assert!(
            op.path.starts_with('/'),
            "{}: path must start with /",
            op.id
        );
        assert!(
            !op.path.ends_with('/'),
            "{}: path must not end with /",
            op.id
        );
        for segment in op.path.split('/').skip(1) {
            assert!(
                !segment.is_empty(),
                "{}: empty segment in {}",
                op.id,
                op.path
            );
            let is_param = segment.starts_with('{') && segment.ends_with('}');
            assert!(
                is_param || !(segment.contains('{') || segment.contains('}')),
                "{}: a placeholder must be a whole segment in {}",
                op.id,
                op.path
            );
        }
        let params: Vec<&str> = op.path_params().collect();
        let unique: HashSet<&&str> = params.iter().collect();
        assert_eq!(
            unique.len(),
            params.len(),
            "{}: repeated path parameter",
            op.id
        );
    }
}

#[test]
fn bodies_fit_methods() {
    for op in OPERATIONS {
        if op.method == Method::Get {
            assert_eq!(op.body, BodyKind::None, "{}: GET with a body", op.id);
        }
    }
}

#[test]
fn only_post_defaults_to_non_idempotent() {
    for op in OPERATIONS {
        if matches!(op.method, Method::Get | Method::Put | Method::Delete) {
            assert!(
                op.idempotent,
                "{}: {} should be idempotent",
                op.id, op.method
            );
        }
        if op.method == Method::Post {
            assert!(!op.idempotent, "{}: POST declared idempotent", op.id);
        }
    }
}

#[test]
fn auth_modes() {
    for op in OPERATIONS {
        let expected = match op.id {
            "auth.refresh_token" => AuthMode::RefreshToken,
            "auth.change_password" | "auth.change_user_password" => AuthMode::Session,
            id if id.starts_with("auth.") => AuthMode::None,
            _ => AuthMode::Session,
        };
        assert_eq!(op.auth, expected, "{}", op.id);
    }
}

#[test]
fn paging_only_on_gets() {
    for op in OPERATIONS {
        if op.paging != Paging::None {
            assert_eq!(op.method, Method::Get, "{}: paging on a non-GET", op.id);
        }
    }
}

#[test]
fn find_unknown_is_none() {
    assert!(uspacy::operation::find("crm.items.lists").is_none());
    assert!(uspacy::operation::find("crm.items.list").is_some());
}

#[test]
fn multipart_ops_name_their_file_field() {
    for op in OPERATIONS {
        if op.body == BodyKind::Multipart {
            assert!(
                !op.file_field.is_empty(),
                "{}: multipart without a file field",
                op.id
            );
        } else {
            assert!(
                op.file_field.is_empty(),
                "{}: file field on a non-multipart op",
                op.id
            );
        }
    }
}

#[test]
fn list_envelopes_name_the_item() {
    for op in OPERATIONS {
        let lists = matches!(
            op.envelope,
            uspacy::Envelope::Paginated
                | uspacy::Envelope::Array
                | uspacy::Envelope::TimestampPaged
                | uspacy::Envelope::Cursor
        );
        if lists {
            assert!(
                !op.returns.ends_with("[]"),
                "{}: a paged or array envelope names the item, not `{}`",
                op.id,
                op.returns
            );
        }
    }
}
