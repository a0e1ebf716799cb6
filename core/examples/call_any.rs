// core/examples/call_any.rs: replace the portal name and the credentials
// with yours before running it.
use futures::TryStreamExt;
use serde_json::{json, Value};
use uspacy::{Body, Client, Credentials};

#[tokio::main]
async fn main() -> uspacy::Result<()> {
    let client = Client::builder()
        .domain("acme")
        .credentials(Credentials::password("owner@acme.ua", "secret"))
        .build()?;

    // Path parameters, query and body are JSON, and so is the response.
    let page = client
        .call(
            "crm.items.list",
            &json!({"entity_code": "deals"}),
            &json!({"page": 1, "list": 10, "sort_by": {"created_at": "desc"}}),
            Body::None,
        )
        .await?;
    println!("newest deal: {}", page["data"][0]["title"]);

    // Every item of any list operation, whatever its paging kind.
    let users: Vec<Value> = client
        .paginate("users.list", json!(null), json!({"list": 50}))?
        .try_collect()
        .await?;
    println!("{} users", users.len());
    Ok(())
}
