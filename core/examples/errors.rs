// core/examples/errors.rs: one call that fails, and how to branch on the
// error's kind. Port 9 (discard) of the loopback address usually has no
// listener, so the call fails with ErrorKind::Network.
use uspacy::models::crm::ListQuery;
use uspacy::{Client, Credentials, ErrorKind, RetryPolicy};

#[tokio::main]
async fn main() -> uspacy::Result<()> {
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .credentials(Credentials::password("owner@acme.ua", "secret"))
        .retry(RetryPolicy::none())
        .build()?;

    match client
        .crm()
        .items()
        .list("deals", &ListQuery::page(1, 10))
        .await
    {
        Ok(page) => println!("{} deals on the first page", page.items.len()),
        Err(error) => match error.kind() {
            ErrorKind::Validation => {
                for (field, messages) in error.field_errors() {
                    println!("{field}: {}", messages.join("; "));
                }
            }
            ErrorKind::RateLimited => {
                println!("rate limited, retry after {:?}", error.retry_after())
            }
            ErrorKind::Unauthorized | ErrorKind::SessionExpired => {
                println!("sign in again: {error}")
            }
            ErrorKind::Network | ErrorKind::Timeout => println!("portal unreachable: {error}"),
            _ => println!("{error} (HTTP status {:?})", error.status()),
        },
    }
    Ok(())
}
