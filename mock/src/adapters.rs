//! Handler entries for the auth, CRM schema, CRM record and files modules,
//! whose functions take their path parameters as arguments.

use crate::crm_items::{self, path_id};
use crate::router::{Call, Handler};
use crate::{auth, crm_schema, files};

/// Lists the records of one fixed entity (`crm.deals.list` and its siblings).
fn list_of(call: &Call<'_>, code: &str) -> crm_items::Handled {
    crm_items::list(call.shared, call.req, code, None)
}

/// `GET|POST /crm/v1/reasons/{id}` take a funnel id, `PATCH|DELETE` a reason id.
fn reason_id(call: &Call<'_>, name: &str) -> Result<i64, crate::http::Resp> {
    let raw = call.param(name);
    raw.parse::<i64>()
        .map_err(|_| crate::http::crm_error(404, format!("`{raw}` not found.")))
}

pub(crate) const HANDLERS: &[(&str, Handler)] = &[
    ("auth.sign_in", |c| Ok(auth::sign_in(c.shared, c.req))),
    ("auth.app_sign_in", |c| {
        Ok(auth::app_sign_in(c.shared, c.req))
    }),
    ("auth.refresh_token", |c| {
        Ok(auth::refresh_token(c.shared, c.req))
    }),
    ("auth.confirm_email", |c| {
        Ok(auth::confirm_email(c.shared, c.req))
    }),
    ("auth.register", |c| Ok(auth::register(c.shared, c.req))),
    ("auth.sign_up", |c| Ok(auth::sign_up(c.shared, c.req))),
    ("auth.forgot_password", |c| {
        Ok(auth::forgot_password(c.shared, c.req))
    }),
    ("auth.reset_password", |c| {
        Ok(auth::reset_password(c.shared, c.req))
    }),
    ("auth.check_email", |c| {
        Ok(auth::check_email(c.shared, c.req))
    }),
    ("auth.change_password", |c| {
        Ok(auth::change_own_password(c.shared, c.req))
    }),
    ("auth.change_user_password", |c| {
        Ok(auth::change_user_password(
            c.shared,
            c.req,
            c.param("user_id"),
        ))
    }),
    ("crm.entities.list", |c| {
        crm_schema::list_entities(c.shared, c.req)
    }),
    ("crm.entities.create", |c| {
        crm_schema::create_entity(c.shared, c.req)
    }),
    ("crm.field_types.list", |_| crm_schema::field_types()),
    ("crm.fields.list", |c| {
        crm_schema::list_fields(c.shared, c.param("entity_code"))
    }),
    ("crm.lead_fields.list", |c| {
        crm_schema::list_fields(c.shared, "leads")
    }),
    ("crm.fields.create", |c| {
        crm_schema::create_field(c.shared, c.req, c.param("entity_code"))
    }),
    ("crm.fields.get", |c| {
        crm_schema::get_field(c.shared, c.param("entity_code"), c.param("field_code"))
    }),
    ("crm.fields.update", |c| {
        crm_schema::update_field(
            c.shared,
            c.req,
            c.param("entity_code"),
            c.param("field_code"),
        )
    }),
    ("crm.fields.delete", |c| {
        crm_schema::delete_field(c.shared, c.param("entity_code"), c.param("field_code"))
    }),
    ("crm.field_list_items.list", |c| {
        crm_schema::list_values(c.shared, c.param("entity_code"), c.param("field_code"))
    }),
    ("crm.field_list_items.upsert", |c| {
        crm_schema::upsert_values(
            c.shared,
            c.req,
            c.param("entity_code"),
            c.param("field_code"),
        )
    }),
    ("crm.field_list_items.delete", |c| {
        crm_schema::delete_value(
            c.shared,
            c.param("entity_code"),
            c.param("field_code"),
            c.param("value"),
        )
    }),
    ("crm.field_list_items.update", |c| {
        crm_schema::update_value(
            c.shared,
            c.req,
            c.param("entity_code"),
            c.param("field_code"),
            c.param("value"),
        )
    }),
    ("crm.funnels.list", |c| {
        crm_schema::list_funnels(c.shared, c.param("entity_code"))
    }),
    ("crm.funnels.create", |c| {
        crm_schema::create_funnel(c.shared, c.req, c.param("entity_code"))
    }),
    ("crm.funnels.get", |c| {
        let code = c.param("entity_code");
        crm_schema::get_funnel(c.shared, code, path_id(code, c.param("funnel_id"))?)
    }),
    ("crm.funnels.update", |c| {
        let code = c.param("entity_code");
        crm_schema::update_funnel(c.shared, c.req, code, path_id(code, c.param("funnel_id"))?)
    }),
    ("crm.funnels.delete", |c| {
        let code = c.param("entity_code");
        crm_schema::delete_funnel(c.shared, code, path_id(code, c.param("funnel_id"))?)
    }),
    ("crm.kanban_stages.list", |c| {
        crm_schema::list_stages(c.shared, c.req, c.param("entity_code"))
    }),
    ("crm.kanban_stages.create", |c| {
        crm_schema::create_stage(c.shared, c.req, c.param("entity_code"))
    }),
    ("crm.kanban_stages.get", |c| {
        // Every SDK reads this route as a page of the stage's records.
        let code = c.param("entity_code");
        let id = path_id(code, c.param("stage_id"))?;
        crm_schema::stage_of(c.shared, code, id)?;
        crm_items::list(c.shared, c.req, code, Some(id))
    }),
    ("crm.kanban_stages.update", |c| {
        let code = c.param("entity_code");
        crm_schema::update_stage(c.shared, c.req, code, path_id(code, c.param("stage_id"))?)
    }),
    ("crm.kanban_stages.delete", |c| {
        let code = c.param("entity_code");
        crm_schema::delete_stage(c.shared, code, path_id(code, c.param("stage_id"))?)
    }),
    ("crm.kanban_stages.move", |c| {
        let code = c.param("entity_code");
        let item = path_id(code, c.param("item_id"))?;
        let stage = path_id(code, c.param("stage_id"))?;
        crm_items::move_to_stage(c.shared, c.req, code, item, stage)
    }),
    ("crm.reasons.list", |c| {
        crm_schema::list_reasons(c.shared, reason_id(c, "funnel_id")?)
    }),
    ("crm.reasons.create", |c| {
        crm_schema::create_reason(c.shared, c.req, reason_id(c, "funnel_id")?)
    }),
    ("crm.reasons.update", |c| {
        crm_schema::update_reason(c.shared, c.req, reason_id(c, "reason_id")?)
    }),
    ("crm.reasons.delete", |c| {
        crm_schema::delete_reason(c.shared, reason_id(c, "reason_id")?)
    }),
    ("crm.items.list", |c| list_of(c, c.param("entity_code"))),
    ("crm.companies.list", |c| list_of(c, "companies")),
    ("crm.contacts.list", |c| list_of(c, "contacts")),
    ("crm.deals.list", |c| list_of(c, "deals")),
    ("crm.leads.list", |c| list_of(c, "leads")),
    ("crm.items.create", |c| {
        crm_items::create(c.shared, c.req, c.param("entity_code"))
    }),
    ("crm.items.get", |c| {
        let code = c.param("entity_code");
        crm_items::get(c.shared, code, path_id(code, c.param("id"))?)
    }),
    ("crm.items.update", |c| {
        let code = c.param("entity_code");
        crm_items::update(c.shared, c.req, code, path_id(code, c.param("id"))?)
    }),
    ("crm.items.delete", |c| {
        let code = c.param("entity_code");
        crm_items::delete(c.shared, code, path_id(code, c.param("id"))?)
    }),
    ("crm.items.mass_delete", |c| {
        crm_items::mass_delete(c.shared, c.req, c.param("entity_code"))
    }),
    ("crm.items.convert", |c| {
        let code = c.param("entity_code");
        crm_items::convert(c.shared, c.req, code, path_id(code, c.param("id"))?)
    }),
    ("files.list", |c| files::list(c.shared, c.req)),
    ("files.upload", |c| files::upload(c.shared, c.req)),
    ("files.get", |c| files::get(c.shared, c.param("id"))),
    ("files.update", |c| {
        files::update(c.shared, c.req, c.param("id"))
    }),
    ("files.delete", |c| files::delete(c.shared, c.param("id"))),
    ("files.update_by_entity", |c| {
        files::update_by_entity(c.shared, c.req)
    }),
    ("files.delete_by_entity", |c| {
        files::delete_by_entity(c.shared, c.req)
    }),
    ("files.totals.get_size", |c| files::totals(c.shared)),
];
