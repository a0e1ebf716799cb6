//! The namespace tree every binding exposes, derived from the operation
//! table: `crm.items.list` becomes method `list` of namespace `crm.items`.
//! Naming rules shared by all languages live here, so the Python and
//! TypeScript surfaces cannot drift apart.

use std::collections::BTreeMap;

use uspacy::{Operation, Paging, OPERATIONS};

/// A query parameter: its name on the wire and as an identifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryParam {
    /// As sent: `with-funnels`, `sort_by`.
    pub wire: String,
    /// snake_case identifier: `with_funnels`, `sort_by`.
    pub ident: String,
}

/// One method of a namespace.
#[derive(Clone, Debug)]
pub struct MethodSpec {
    /// The action, the last part of the op id (`list`).
    pub name: String,
    pub op: &'static Operation,
    /// Path parameters in path order, as identifiers.
    pub path_params: Vec<String>,
    pub query: Vec<QueryParam>,
    /// For paging operations: the name of the iterator method
    /// (`iter` for `list`, `iter_<action>` otherwise).
    pub iter_name: Option<String>,
}

/// A namespace: methods plus nested namespaces.
#[derive(Clone, Debug, Default)]
pub struct Namespace {
    /// Dotted path from the root (`crm.items`); empty for the root.
    pub path: String,
    pub children: BTreeMap<String, Namespace>,
    pub methods: Vec<MethodSpec>,
}

impl Namespace {
    /// The last segment of the path (`items`).
    pub fn name(&self) -> &str {
        self.path.rsplit('.').next().unwrap_or("")
    }

    /// Visits this namespace and every descendant, parents first.
    pub fn walk<'a>(&'a self, visit: &mut dyn FnMut(&'a Namespace)) {
        visit(self);
        for child in self.children.values() {
            child.walk(visit);
        }
    }
}

/// Turns any wire name into a snake_case identifier: separators become
/// `_` and a camelCase boundary gets one (`sortModel` -> `sort_model`).
pub fn ident(wire: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for ch in wire.chars() {
        if ch.is_ascii_uppercase() && previous_lower && !out.ends_with('_') {
            out.push('_');
        }
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
        previous_lower = ch.is_ascii_lowercase() || ch.is_ascii_digit();
    }
    let trimmed = out.trim_matches('_').to_owned();
    if trimmed.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{trimmed}")
    } else {
        trimmed
    }
}

/// camelCase of a snake_case identifier (for TypeScript).
pub fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for ch in snake.chars() {
        if ch == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.push(ch.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(ch);
        }
    }
    out
}

/// PascalCase of a dotted path (`crm.items` -> `CrmItems`), for class names.
pub fn pascal(path: &str) -> String {
    path.split(['.', '_'])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// Builds the tree from the table. Fails when a name would be both a
/// method and a namespace, or two methods of a namespace share a name.
pub fn tree() -> Result<Namespace, String> {
    let mut root = Namespace::default();
    for op in OPERATIONS {
        let parts: Vec<&str> = op.id.split('.').collect();
        let (action, namespaces) = parts.split_last().expect("op ids have at least two parts");
        let mut node = &mut root;
        for part in namespaces {
            let path = if node.path.is_empty() {
                (*part).to_owned()
            } else {
                format!("{}.{part}", node.path)
            };
            node = node
                .children
                .entry((*part).to_owned())
                .or_insert_with(|| Namespace {
                    path,
                    ..Namespace::default()
                });
        }
        let query = op
            .query
            .iter()
            .map(|wire| QueryParam {
                wire: (*wire).to_owned(),
                ident: ident(wire),
            })
            .collect();
        let iter_name = (op.paging != Paging::None).then(|| {
            if *action == "list" {
                "iter".to_owned()
            } else {
                format!("iter_{action}")
            }
        });
        node.methods.push(MethodSpec {
            name: (*action).to_owned(),
            op,
            path_params: op.path_params().map(ident).collect(),
            query,
            iter_name,
        });
    }
    check(&root)?;
    Ok(root)
}

fn check(root: &Namespace) -> Result<(), String> {
    let mut problems = Vec::new();
    root.walk(&mut |namespace| {
        let mut names: BTreeMap<&str, &str> = BTreeMap::new();
        for child in namespace.children.keys() {
            names.insert(child, "namespace");
        }
        for method in &namespace.methods {
            for name in std::iter::once(method.name.as_str()).chain(method.iter_name.as_deref()) {
                if let Some(previous) = names.insert(name, method.op.id) {
                    problems.push(format!(
                        "`{name}` in `{}` is both {previous} and a method of {}",
                        namespace.path, method.op.id
                    ));
                }
            }
        }
    });
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_forms_a_tree() {
        let root = tree().expect("no name collisions");
        let items = &root.children["crm"].children["items"];
        let list = items
            .methods
            .iter()
            .find(|method| method.name == "list")
            .unwrap();
        assert_eq!(list.path_params, ["entity_code"]);
        assert_eq!(list.iter_name.as_deref(), Some("iter"));
    }

    #[test]
    fn identifiers() {
        assert_eq!(ident("with-funnels"), "with_funnels");
        assert_eq!(ident("sortModel"), "sort_model");
        assert_eq!(ident("entityIds"), "entity_ids");
        assert_eq!(ident("with-funnels"), "with_funnels");
        assert_eq!(camel("entity_code"), "entityCode");
        assert_eq!(pascal("crm.kanban_stages"), "CrmKanbanStages");
    }
}
