//! The handler of each operation, by op id. Each service module lists its
//! stateful handlers in a `HANDLERS` slice. `shapes::SCHEMA_SHAPED` lists
//! the operations served with generated data of the documented shape.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::router::Handler;
use crate::{
    activities, adapters, apps, catalog, company, crm_more, email, messenger, requisites, search,
    shapes, social, tasks,
};

/// The kind of handler that serves an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A handler that reads and changes the portal's state.
    Stateful,
    /// Generated data of the documented shape (`shapes`).
    SchemaShaped,
    /// Neither is declared. The schema-shaped handler serves it, and the
    /// coverage test fails until the operation is assigned.
    Unassigned,
}

fn stateful() -> &'static HashMap<&'static str, Handler> {
    static REGISTRY: OnceLock<HashMap<&'static str, Handler>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let groups: &[&[(&str, Handler)]] = &[
            adapters::HANDLERS,
            company::HANDLERS,
            tasks::HANDLERS,
            social::HANDLERS,
            messenger::HANDLERS,
            catalog::HANDLERS,
            crm_more::HANDLERS,
            requisites::HANDLERS,
            activities::HANDLERS,
            email::HANDLERS,
            apps::HANDLERS,
            search::HANDLERS,
        ];
        let mut registry = HashMap::new();
        for (op_id, handler) in groups.iter().flat_map(|group| group.iter()) {
            let previous = registry.insert(*op_id, *handler);
            assert!(previous.is_none(), "two handlers for {op_id}");
        }
        registry
    })
}

/// Returns the handler of `op_id`.
pub(crate) fn handler(op_id: &str) -> Handler {
    stateful()
        .get(op_id)
        .copied()
        .unwrap_or(shapes::answer as Handler)
}

/// Returns the kind of handler that serves `op_id`.
pub(crate) fn kind(op_id: &str) -> Kind {
    if stateful().contains_key(op_id) {
        Kind::Stateful
    } else if shapes::SCHEMA_SHAPED.contains(&op_id) {
        Kind::SchemaShaped
    } else {
        Kind::Unassigned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_operation_has_a_handler() {
        let unassigned: Vec<&str> = uspacy::OPERATIONS
            .iter()
            .map(|op| op.id)
            .filter(|id| kind(id) == Kind::Unassigned)
            .collect();
        assert!(
            unassigned.is_empty(),
            "operations without a handler: {unassigned:?}"
        );
    }

    #[test]
    fn schema_shaped_list_names_table_operations_only() {
        for op_id in shapes::SCHEMA_SHAPED {
            assert!(
                uspacy::operation::find(op_id).is_some(),
                "{op_id} is not in the table"
            );
            assert!(
                !stateful().contains_key(op_id),
                "{op_id} is both stateful and schema-shaped"
            );
        }
    }

    #[test]
    fn stateful_handlers_name_known_operations() {
        let aliases = ["crm.items.mass_delete", "crm.field_list_items.update"];
        for op_id in stateful().keys() {
            assert!(
                uspacy::operation::find(op_id).is_some() || aliases.contains(op_id),
                "handler for unknown operation {op_id}"
            );
        }
    }
}
