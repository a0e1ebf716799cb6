//! The client from the USPACY_* variables, the write guard for live portals
//! and the mapping of list-field option titles to values.

use std::env;

use uspacy::models::Field;
use uspacy::{Client, Credentials};

/// A client and whether its portal is a live one.
pub struct Portal {
    pub client: Client,
    /// `true` for `USPACY_DOMAIN`, `false` for a mock at `USPACY_BASE_URL`.
    pub live: bool,
}

/// Builds a client from the USPACY_* variables.
///
/// `USPACY_BASE_URL` selects a local mock portal, `USPACY_DOMAIN` a live one
/// (`https://{domain}.uspacy.ua`). Credentials are tried in this order:
/// e-mail and password, app id and secret, incoming-webhook URL. Nothing is
/// sent until the first call.
pub fn connect() -> Result<Portal, String> {
    let var = |name: &str| env::var(name).ok().filter(|value| !value.is_empty());
    // The portal is checked before the credentials, so with neither set the
    // message names both.
    let (base_url_or_domain, live) = match (var("USPACY_BASE_URL"), var("USPACY_DOMAIN")) {
        (Some(_), Some(_)) => return Err(
            "set either USPACY_BASE_URL (a mock portal) or USPACY_DOMAIN (a live portal), not both"
                .to_owned(),
        ),
        (Some(url), None) => (url, false),
        (None, Some(domain)) => (domain, true),
        (None, None) => return Err(
            "set USPACY_BASE_URL (a mock portal) or USPACY_DOMAIN (a live portal) and credentials"
                .to_owned(),
        ),
    };
    let credentials = if let (Some(email), Some(password)) =
        (var("USPACY_EMAIL"), var("USPACY_PASSWORD"))
    {
        Credentials::password(email, password)
    } else if let (Some(id), Some(secret)) = (var("USPACY_CLIENT_ID"), var("USPACY_CLIENT_SECRET"))
    {
        Credentials::app(id, secret)
    } else if let Some(url) = var("USPACY_WEBHOOK_URL") {
        Credentials::webhook(url)
    } else {
        return Err(
            "missing credentials: set USPACY_EMAIL and USPACY_PASSWORD, \
                    USPACY_CLIENT_ID and USPACY_CLIENT_SECRET, or USPACY_WEBHOOK_URL"
                .to_owned(),
        );
    };
    let builder = Client::builder().credentials(credentials);
    let builder = if live {
        builder.domain(base_url_or_domain)
    } else {
        builder.base_url(base_url_or_domain)
    };
    let client = builder
        .build()
        .map_err(|error| format!("building the client failed: {error}"))?;
    Ok(Portal { client, live })
}

/// Returns whether changes may be sent: always to a mock, to a live portal
/// only with `--write`. Prints a line when a live portal is only read.
pub fn may_write(live: bool, write_flag: bool) -> bool {
    if live && !write_flag {
        println!("live portal without --write: reading only, changes are printed as a plan");
        return false;
    }
    true
}

/// The options of a list field as (title, value) pairs, in the field's order.
pub type ListOptions = Vec<(String, String)>;

/// Returns the options of a list field definition. An option without a
/// title or a value is left out, because no title can select it.
pub fn options_of(field: &Field) -> ListOptions {
    field
        .values
        .iter()
        .flatten()
        .filter_map(|option| Some((option.title.clone()?, option.value.clone()?)))
        .collect()
}

/// Reads the options of the list field `field_code` of `entity` from the
/// field definitions.
pub async fn list_options(
    client: &Client,
    entity: &str,
    field_code: &str,
) -> Result<ListOptions, String> {
    let fields = client
        .crm()
        .fields()
        .list(entity)
        .await
        .map_err(|error| format!("listing the fields of {entity} failed: {error}"))?;
    let field = fields
        .iter()
        .find(|field| field.code.as_deref() == Some(field_code))
        .ok_or_else(|| format!("field {field_code} not found among the fields of {entity}"))?;
    match field.field_type.as_deref() {
        Some("list") => Ok(options_of(field)),
        other => Err(format!(
            "field {field_code} of {entity} is of type {}, not list",
            other.unwrap_or("(none)")
        )),
    }
}

/// Maps option titles to their values, skipping blank titles. A title that
/// is not an option is an error that lists the options.
pub fn map_titles<'a>(
    options: &ListOptions,
    titles: impl IntoIterator<Item = &'a str>,
    field_code: &str,
) -> Result<Vec<String>, String> {
    let mut values = Vec::new();
    for title in titles {
        let title = title.trim();
        if title.is_empty() {
            continue;
        }
        let Some((_, value)) = options.iter().find(|(known, _)| known == title) else {
            let known: Vec<&str> = options.iter().map(|(known, _)| known.as_str()).collect();
            return Err(format!(
                "'{title}' is not an option of {field_code}; options: {}",
                known.join(", ")
            ));
        };
        values.push(value.clone());
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> ListOptions {
        vec![
            ("Опалення".to_owned(), "heating".to_owned()),
            ("Сервіс".to_owned(), "service".to_owned()),
        ]
    }

    #[test]
    fn titles_map_to_values_in_order() {
        let values = map_titles(&options(), [" Сервіс", "", "Опалення "], "uf_x").unwrap();
        assert_eq!(values, ["service", "heating"]);
    }

    #[test]
    fn unknown_title_lists_the_options() {
        let error = map_titles(&options(), ["Космос"], "uf_x").unwrap_err();
        assert_eq!(
            error,
            "'Космос' is not an option of uf_x; options: Опалення, Сервіс"
        );
    }
}
