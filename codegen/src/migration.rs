//! Emits the guide for users of Uspacy's official JS SDK (`@uspacy/sdk`):
//! `docs/migration-js-sdk.md` and its Ukrainian twin. The mapping of each JS
//! SDK request to an operation id is data in `docs/migration/js-sdk.tsv`.
//! This module checks that mapping against the operation table and renders
//! one table per JS SDK service, with each Node.js call spelled as the
//! reference spells it.

use std::collections::HashMap;
use std::fmt::Write;
use std::path::PathBuf;

use uspacy::{Operation, OPERATIONS};

use crate::docs::{node_call, Locale};
use crate::model::{MethodSpec, Namespace};
use crate::Output;

/// The mapping file, from the workspace root.
pub const MAPPING_PATH: &str = "docs/migration/js-sdk.tsv";

const MAPPING: &str = include_str!("../../docs/migration/js-sdk.tsv");

const HEADER: &str = "js_service\tjs_method\thttp_method\tpath\top_id\tnote\tnote_uk";

const HTTP_METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];

/// The `@uspacy/sdk` release and the commit of its repository whose sources
/// the mapping was read from.
const JS_SDK_VERSION: &str = "0.0.262";
const JS_SDK_COMMIT: &str = "c830455";

/// One request that a JS SDK method sends: a row of the mapping.
#[derive(Debug)]
pub struct Row {
    /// Line number in the mapping file, for messages.
    pub line: usize,
    /// The JS SDK class (`CrmLeadsService`).
    pub service: String,
    pub method: String,
    pub http_method: String,
    /// The path as the JS SDK sends it, with parameters in braces under the
    /// JS SDK's argument names and any trailing slash kept.
    pub path: String,
    /// The operation id, empty when no operation of the table sends this request.
    pub op_id: String,
    pub note: String,
    pub note_uk: String,
}

/// Parses the mapping. Fails on an invalid header, a row without exactly
/// seven fields, an unknown HTTP method or a path that is not absolute.
pub fn parse(text: &str) -> Result<Vec<Row>, String> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, header)) if header == HEADER => {}
        _ => return Err(format!("the first line must be the header `{HEADER}`")),
    }

    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (index, text) in lines {
        let line = index + 1;
        if text.is_empty() {
            continue;
        }
        let fields: Vec<&str> = text.split('\t').collect();
        let [service, method, http_method, path, op_id, note, note_uk] = fields[..] else {
            problems.push(format!(
                "line {line}: expected 7 tab-separated fields, found {}",
                fields.len()
            ));
            continue;
        };
        if service.is_empty() || method.is_empty() {
            problems.push(format!(
                "line {line}: js_service and js_method are required"
            ));
        }
        if !HTTP_METHODS.contains(&http_method) {
            problems.push(format!(
                "line {line}: invalid http_method `{http_method}`, expected one of {}",
                HTTP_METHODS.join(", ")
            ));
        }
        if !path.starts_with('/') || path.contains(['?', ' ']) {
            problems.push(format!(
                "line {line}: invalid path `{path}`: it must start with `/` and have no query"
            ));
        }
        rows.push(Row {
            line,
            service: service.to_owned(),
            method: method.to_owned(),
            http_method: http_method.to_owned(),
            path: path.to_owned(),
            op_id: op_id.to_owned(),
            note: note.to_owned(),
            note_uk: note_uk.to_owned(),
        });
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems.join("\n"))
    }
}

/// Matches a path the JS SDK sends against an operation's path template.
/// Returns one entry per parameter of the template, in order: the literal
/// the JS SDK puts in its place (`Some("leads")`), or `None` where the JS SDK
/// passes a parameter too. Returns `None` when the paths differ.
///
/// A trailing slash is ignored, and parameters match whatever their names.
/// A literal may stand only for `{entity_code}`, because the JS SDK's
/// per-entity services spell the entity in the path
/// (`/crm/v1/entities/leads/{id}`), while a literal in any other
/// parameter's place is a different endpoint (`mass_deletion` is no `{id}`).
pub fn match_path<'a>(js_path: &'a str, template: &str) -> Option<Vec<Option<&'a str>>> {
    let js_segments = segments(js_path);
    let template_segments = segments(template);
    if js_segments.len() != template_segments.len() {
        return None;
    }
    let mut fills = Vec::new();
    for (js_segment, template_segment) in js_segments.into_iter().zip(template_segments) {
        match (parameter(template_segment), parameter(js_segment)) {
            (Some(_), Some(_)) => fills.push(None),
            (Some("entity_code"), None) => fills.push(Some(js_segment)),
            (Some(_), None) => return None,
            (None, _) if js_segment == template_segment => {}
            (None, _) => return None,
        }
    }
    Some(fills)
}

fn segments(path: &str) -> Vec<&str> {
    path.trim_matches('/').split('/').collect()
}

/// Extracts the name of a `{name}` or `:name` path segment.
fn parameter(segment: &str) -> Option<&str> {
    if let Some(name) = segment.strip_prefix(':') {
        return Some(name);
    }
    segment.strip_prefix('{')?.strip_suffix('}')
}

/// Finds every operation that sends the request of `row`.
pub fn matching_operations(row: &Row) -> Vec<&'static Operation> {
    OPERATIONS
        .iter()
        .filter(|op| op.method.as_str() == row.http_method)
        .filter(|op| match_path(&row.path, op.path).is_some())
        .collect()
}

/// Extracts the operation ids quoted in a note: backticked words of
/// lowercase letters, digits and underscores with at least one dot
/// (`auth.change_password`).
pub fn quoted_op_ids(note: &str) -> Vec<&str> {
    note.split('`')
        .skip(1)
        .step_by(2)
        .filter(|quoted| quoted.contains('.'))
        .filter(|quoted| {
            quoted
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
        })
        .collect()
}

/// Lists every way the mapping disagrees with the operation table.
pub fn problems(rows: &[Row]) -> Vec<String> {
    let mut problems = Vec::new();
    for row in rows {
        let line = row.line;
        if row.note.is_empty() != row.note_uk.is_empty() {
            problems.push(format!(
                "line {line}: note and note_uk must be both set or both empty"
            ));
        }
        for id in quoted_op_ids(&row.note)
            .into_iter()
            .chain(quoted_op_ids(&row.note_uk))
        {
            if uspacy::operation::find(id).is_none() {
                problems.push(format!(
                    "line {line}: the note names `{id}`, which is not in the operation table"
                ));
            }
        }

        if row.op_id.is_empty() {
            if row.note.is_empty() {
                problems.push(format!(
                    "line {line}: {} {} has no op_id, so note and note_uk must say why",
                    row.service, row.method
                ));
            }
            for op in matching_operations(row) {
                problems.push(format!(
                    "line {line}: {} {} has no op_id, but `{}` sends {} {}; fill in op_id",
                    row.service,
                    row.method,
                    op.id,
                    op.method.as_str(),
                    op.path
                ));
            }
            continue;
        }

        let Some(op) = uspacy::operation::find(&row.op_id) else {
            problems.push(format!(
                "line {line}: op_id `{}` is not in the operation table",
                row.op_id
            ));
            continue;
        };
        if op.method.as_str() != row.http_method {
            problems.push(format!(
                "line {line}: `{}` sends {}, but the row says {}",
                op.id,
                op.method.as_str(),
                row.http_method
            ));
        }
        if match_path(&row.path, op.path).is_none() {
            problems.push(format!(
                "line {line}: the path of `{}`, {}, does not match {}",
                op.id, op.path, row.path
            ));
        }
    }
    problems
}

/// Reads and checks the built-in mapping.
pub fn mapping() -> Result<Vec<Row>, String> {
    let rows = parse(MAPPING)?;
    let problems = problems(&rows);
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems.join("\n"))
    }
}

fn guide_path(locale: Locale) -> &'static str {
    match locale {
        Locale::En => "docs/migration-js-sdk.md",
        Locale::Uk => "docs/uk/migration-js-sdk.md",
    }
}

/// Methods and rows of the mapping, counted for the guide's summary.
struct Counts {
    methods: usize,
    fully_mapped: usize,
    partly_mapped: usize,
    rows: usize,
    mapped_rows: usize,
}

fn count(rows: &[Row]) -> Counts {
    // Rows of one method are adjacent in the mapping, but counting by key
    // keeps the numbers right if someone sorts the file.
    let mut by_method: HashMap<(&str, &str), (usize, usize)> = HashMap::new();
    for row in rows {
        let entry = by_method.entry((&row.service, &row.method)).or_default();
        entry.0 += 1;
        if !row.op_id.is_empty() {
            entry.1 += 1;
        }
    }
    Counts {
        methods: by_method.len(),
        fully_mapped: by_method
            .values()
            .filter(|(all, mapped)| all == mapped)
            .count(),
        partly_mapped: by_method
            .values()
            .filter(|(all, mapped)| *mapped > 0 && mapped < all)
            .count(),
        rows: rows.len(),
        mapped_rows: rows.iter().filter(|row| !row.op_id.is_empty()).count(),
    }
}

fn summary(counts: &Counts, locale: Locale) -> String {
    let unmapped = counts.methods - counts.fully_mapped - counts.partly_mapped;
    match locale {
        Locale::En => format!(
            "The JS SDK's services have {} methods that send requests. {} of them map fully, \
             {} partly (some of their requests have no operation here) and {unmapped} not at \
             all. Of their {} distinct requests, {} have an operation.",
            counts.methods,
            counts.fully_mapped,
            counts.partly_mapped,
            counts.rows,
            counts.mapped_rows
        ),
        Locale::Uk => format!(
            "Методів, що надсилають запити, у сервісах JS SDK — {}: повністю відповідають \
             операціям цього SDK — {}, частково (частина їхніх запитів тут операції не має) — \
             {}, зовсім не відповідають — {unmapped}. Різних запитів у цих методів — {}, з них \
             операцію мають {}.",
            counts.methods,
            counts.fully_mapped,
            counts.partly_mapped,
            counts.rows,
            counts.mapped_rows
        ),
    }
}

const INTRO_EN: &str = r#"# Migrating from the official JS SDK

<!-- Written by `cargo run -p uspacy-codegen` from docs/migration/js-sdk.tsv and the operation table; do not edit. -->

Українською: [uk/migration-js-sdk.md](uk/migration-js-sdk.md).

This page maps every method of Uspacy's official JavaScript SDK
([Uspacy/uspacy-js-sdk](https://github.com/Uspacy/uspacy-js-sdk);
`@uspacy/sdk` {version}, commit `{commit}`) to the operation of this SDK
that sends the same request, and to its call in the Node.js package
`uspacy`. Requests are matched by HTTP
method and path; the mapping itself is data, in
[migration/js-sdk.tsv](migration/js-sdk.tsv).

## What changes

- **One client object.** The JS SDK's `Uspacy` object holds one service per
  area (`crmDealsService`, `tasksService` and so on), each with its own
  method names. Here one `Uspacy` client has every namespace, and each method
  is named after its operation id: `crm.items.list` is
  `client.crm.items.list(...)`.
- **Operation ids.** Every request has a stable id, the same in Rust,
  Python, Node.js and the browser package, and `client.call(opId, ...)`
  calls any operation by it.
- **Results and errors.** A JS SDK method resolves to an axios response, so
  the body is in `.data`, and a failed request rejects with an `AxiosError`
  (`authService.login` returns the error instead of throwing it). Here a
  method resolves to the parsed body, and a failure throws a typed
  exception: `NotFound`, `ValidationError` with `fieldErrors`, `RateLimited`
  with `retryAfter` and the others listed in [errors.md](errors.md).
- **Tokens and retries.** The JS SDK refreshes an expired token only after a
  sign-in with `remember: true`; otherwise a 401 clears the stored tokens
  (and in a browser reloads the page). This client signs in at the first
  call with its `credentials`, refreshes the access token before it expires
  and once after a 401, and passes every new token pair to `onTokens`. It
  also waits out a 429 and sends the request again, and replays idempotent
  requests after a 5xx, a timeout or a broken connection.

## Creating the client

With the JS SDK you create the instance, sign in through `authService`, and
read `.data` from each response:

```js
import Uspacy from '@uspacy/sdk'

const sdk = Uspacy.createInstance({ httpClientConfig: { baseURL: 'https://acme.uspacy.ua' } })
await sdk.authService.login({ email: 'owner@acme.ua', password: process.env.USPACY_PASSWORD, remember: true })
const { data: deals } = await sdk.crmDealsService.getDeals()
```

Here the portal and the credentials go to the constructor, and the first
call signs in:

```js
import { Uspacy } from 'uspacy'

const client = new Uspacy({
  domain: 'acme', // https://acme.uspacy.ua
  credentials: { email: 'owner@acme.ua', password: process.env.USPACY_PASSWORD },
})
const deals = await client.crm.deals.list({ list: 100 })
```

A marketplace app passes `{clientId, clientSecret}`, and stored tokens go in
as `{accessToken, refreshToken}`; [auth.md](auth.md) lists every kind of
credentials.

## Calling a method

The arguments are the path parameters in path order, then the body for
operations that take one, then an options object with the query parameters
in camelCase. `booleanOperator` is sent as `boolean_operator`, and keys the
operation does not list are sent unchanged. Where a JS SDK service fixes the
entity in its path (`crmLeadsService` sends to `/crm/v1/entities/leads`),
the entity is the first argument here. Several JS SDK methods take the query
as a ready string such as `'page=1&list=20'`; here it is an object.

```js
// sdk.crmLeadsService.updateLead(42, { title: 'New title' })
await client.crm.items.update('leads', 42, { title: 'New title' })

// sdk.crmLeadsService.getLeadsWithFilters('page=1&list=20', signal)
await client.crm.leads.list({ page: 1, list: 20 })
```

In Python the same operations are snake_case methods of `uspacy.Client`;
see [reference/python.md](reference/python.md).

## Reading the tables

There is one table per JS SDK service, in the order of the properties of the
JS SDK's `Uspacy` object. A method that sends different requests depending
on its arguments has a row for each request. The request column shows the
method and path as the JS SDK sends them, with path parameters in braces
under the JS SDK's argument names. The Node.js call names its parameters as
this SDK does, and shows the literal where the JS SDK fixes one. A row
without an operation has no equivalent here; its note names the nearest
operation when there is one. `PouchdbService` (a PouchDB database in the
browser) and helpers that send no request, such as `usersService.hasRole`,
are not listed.
"#;

const INTRO_UK: &str = r#"# Перехід з офіційного JS SDK

<!-- Written by `cargo run -p uspacy-codegen` from docs/migration/js-sdk.tsv and the operation table; do not edit. -->

English: [../migration-js-sdk.md](../migration-js-sdk.md).

Ця сторінка зіставляє кожен метод офіційного JavaScript SDK від Uspacy
([Uspacy/uspacy-js-sdk](https://github.com/Uspacy/uspacy-js-sdk);
`@uspacy/sdk` {version}, коміт `{commit}`) з операцією цього SDK, яка
надсилає той самий запит, і з її викликом у Node.js-пакеті `uspacy`.
Запити зіставлено за HTTP-методом і шляхом, а саму відповідність зберігаємо
як дані у [../migration/js-sdk.tsv](../migration/js-sdk.tsv).

## Що змінюється

- **Один об'єкт клієнта.** В об'єкті `Uspacy` з JS SDK для кожної області є
  окремий сервіс (`crmDealsService`, `tasksService` тощо) зі своїми назвами
  методів. Тут один клієнт `Uspacy` має всі простори імен, а кожен метод
  названо за ідентифікатором операції: `crm.items.list` — це
  `client.crm.items.list(...)`.
- **Ідентифікатори операцій.** Кожен запит має сталий ідентифікатор,
  однаковий у Rust, Python, Node.js і браузерному пакеті, а
  `client.call(opId, ...)` викликає за ним будь-яку операцію.
- **Результати й помилки.** Метод JS SDK повертає відповідь axios, тож тіло
  лежить у `.data`, а якщо запит невдалий, проміс відхиляється з
  `AxiosError` (`authService.login` узагалі повертає помилку, а не кидає
  її). Тут метод
  повертає вже розібране тіло відповіді, а помилка — це типізований виняток:
  `NotFound`, `ValidationError` з `fieldErrors`, `RateLimited` з
  `retryAfter` та інші, перелічені в [errors.md](errors.md).
- **Токени й повторні спроби.** JS SDK оновлює прострочений токен лише після
  входу з `remember: true`; інакше відповідь 401 стирає збережені токени (а
  в браузері ще й перезавантажує сторінку). Цей клієнт сам входить під час
  першого виклику з переданими `credentials`, оновлює токен доступу ще до
  того, як спливе строк його дії, і один раз після 401, а кожну нову пару
  токенів передає в `onTokens`. Крім того, після 429 він чекає й повторює
  запит, а ідемпотентні запити повторює й після 5xx, тайм-ауту чи обриву
  з'єднання.

## Створення клієнта

З JS SDK ви створюєте екземпляр, входите через `authService` і з кожної
відповіді берете `.data`:

```js
import Uspacy from '@uspacy/sdk'

const sdk = Uspacy.createInstance({ httpClientConfig: { baseURL: 'https://acme.uspacy.ua' } })
await sdk.authService.login({ email: 'owner@acme.ua', password: process.env.USPACY_PASSWORD, remember: true })
const { data: deals } = await sdk.crmDealsService.getDeals()
```

Тут портал і облікові дані передають у конструктор, а вхід відбувається під
час першого виклику:

```js
import { Uspacy } from 'uspacy'

const client = new Uspacy({
  domain: 'acme', // https://acme.uspacy.ua
  credentials: { email: 'owner@acme.ua', password: process.env.USPACY_PASSWORD },
})
const deals = await client.crm.deals.list({ list: 100 })
```

Застосунок з маркетплейсу передає `{clientId, clientSecret}`, а збережені
токени — `{accessToken, refreshToken}`; усі види облікових даних описано в
[auth.md](auth.md).

## Як виглядає виклик

Аргументи йдуть так: параметри шляху в порядку шляху, потім тіло (якщо
операція його приймає), потім об'єкт опцій з параметрами запиту в camelCase.
`booleanOperator` надсилається як `boolean_operator`, а ключі, яких операція
не описує, — без змін. Якщо сервіс JS SDK фіксує сутність у шляху
(`crmLeadsService` звертається до `/crm/v1/entities/leads`), тут сутність
передають першим аргументом. Деякі методи JS SDK приймають параметри запиту
готовим рядком на кшталт `'page=1&list=20'`; тут це об'єкт.

```js
// sdk.crmLeadsService.updateLead(42, { title: 'Нова назва' })
await client.crm.items.update('leads', 42, { title: 'Нова назва' })

// sdk.crmLeadsService.getLeadsWithFilters('page=1&list=20', signal)
await client.crm.leads.list({ page: 1, list: 20 })
```

У Python ті самі операції — це методи `uspacy.Client` у snake_case; див.
[reference/python.md](reference/python.md).

## Як читати таблиці

Для кожного сервісу JS SDK є своя таблиця, у порядку властивостей об'єкта
`Uspacy` з JS SDK. Якщо метод залежно від аргументів надсилає різні запити,
для кожного запиту є окремий рядок. У стовпці запиту — HTTP-метод і шлях
так, як їх надсилає JS SDK, з параметрами шляху у фігурних дужках під
назвами аргументів JS SDK. Виклик для Node.js називає параметри так, як їх
називає цей SDK, і показує літерал там, де JS SDK його фіксує. Рядок без
операції не має відповідника в цьому SDK; якщо є близька операція, її
названо в примітці. `PouchdbService` (база PouchDB у браузері) і допоміжні
методи, що не надсилають запитів, як-от `usersService.hasRole`, у таблицях
не наведено.
"#;

/// Turns a note of the mapping, written as a lowercase fragment, into a
/// sentence, so that two notes in one cell read apart.
fn sentence(note: &str) -> String {
    let mut chars = note.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    format!("{}{}.", first.to_uppercase(), chars.as_str())
}

/// Builds one locale's guide from the checked mapping.
fn page(rows: &[Row], root: &Namespace, locale: Locale) -> String {
    let mut methods: HashMap<&str, (&str, &MethodSpec)> = HashMap::new();
    root.walk(&mut |namespace| {
        for method in &namespace.methods {
            methods.insert(method.op.id, (namespace.path.as_str(), method));
        }
    });

    let mut services: Vec<&str> = Vec::new();
    for row in rows {
        if !services.contains(&row.service.as_str()) {
            services.push(&row.service);
        }
    }

    let intro = match locale {
        Locale::En => INTRO_EN,
        Locale::Uk => INTRO_UK,
    };
    let mut out = intro
        .replace("{version}", JS_SDK_VERSION)
        .replace("{commit}", JS_SDK_COMMIT);
    writeln!(out).unwrap();
    writeln!(out, "{}", summary(&count(rows), locale)).unwrap();
    writeln!(out).unwrap();
    let links: Vec<String> = services
        .iter()
        .map(|service| format!("[{service}](#{})", service.to_ascii_lowercase()))
        .collect();
    match locale {
        Locale::En => writeln!(out, "Services: {}.", links.join(", ")),
        Locale::Uk => writeln!(out, "Сервіси: {}.", links.join(", ")),
    }
    .unwrap();

    let (header, trailing_slash) = match locale {
        Locale::En => (
            "| JS SDK method | JS SDK request | op_id | Node.js | note |",
            "the JS SDK adds a trailing slash",
        ),
        Locale::Uk => (
            "| метод JS SDK | запит JS SDK | op_id | Node.js | примітка |",
            "JS SDK додає слеш у кінці шляху",
        ),
    };
    for service in services {
        writeln!(out).unwrap();
        writeln!(out, "## {service}").unwrap();
        writeln!(out).unwrap();
        writeln!(out, "{header}").unwrap();
        writeln!(out, "|---|---|---|---|---|").unwrap();
        for row in rows.iter().filter(|row| row.service == service) {
            let mut notes = Vec::new();
            let note = match locale {
                Locale::En => &row.note,
                Locale::Uk => &row.note_uk,
            };
            if !note.is_empty() {
                notes.push(sentence(note));
            }
            let (op_id, call) = match methods.get(row.op_id.as_str()) {
                Some((namespace, method)) => {
                    let fills = match_path(&row.path, method.op.path)
                        .expect("the mapping was checked against the table");
                    if row.path.ends_with('/') && !method.op.path.ends_with('/') {
                        notes.push(sentence(trailing_slash));
                    }
                    (
                        format!("`{}`", row.op_id),
                        format!("`{}`", node_call(namespace, method, &fills)),
                    )
                }
                None => ("—".to_owned(), "—".to_owned()),
            };
            writeln!(
                out,
                "| `{}` | `{} {}` | {op_id} | {} | {} |",
                row.method,
                row.http_method,
                row.path,
                call.replace('|', "\\|"),
                notes.join(" ").replace('|', "\\|")
            )
            .unwrap();
        }
    }
    out
}

/// Renders the guide in both locales, or returns the mapping's problems.
pub fn outputs(root: &Namespace) -> Result<Vec<Output>, String> {
    let rows = mapping().map_err(|problems| format!("{MAPPING_PATH}:\n{problems}"))?;
    Ok([Locale::En, Locale::Uk]
        .into_iter()
        .map(|locale| Output {
            path: PathBuf::from(guide_path(locale)),
            content: page(&rows, root, locale),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Row> {
        parse(MAPPING).unwrap_or_else(|problems| panic!("{MAPPING_PATH}: {problems}"))
    }

    #[test]
    fn op_ids_exist_in_table() {
        for row in rows().iter().filter(|row| !row.op_id.is_empty()) {
            assert!(
                uspacy::operation::find(&row.op_id).is_some(),
                "line {}: op_id `{}` is not in the operation table",
                row.line,
                row.op_id
            );
        }
    }

    #[test]
    fn op_ids_agree_with_rows() {
        for row in rows().iter().filter(|row| !row.op_id.is_empty()) {
            let Some(op) = uspacy::operation::find(&row.op_id) else {
                continue;
            };
            assert_eq!(
                op.method.as_str(),
                row.http_method,
                "line {}: HTTP method of `{}`",
                row.line,
                op.id
            );
            assert!(
                match_path(&row.path, op.path).is_some(),
                "line {}: `{}` has path {}, the row has {}",
                row.line,
                op.id,
                op.path,
                row.path
            );
        }
    }

    #[test]
    fn unmapped_rows_have_no_operation() {
        for row in rows().iter().filter(|row| row.op_id.is_empty()) {
            let matching: Vec<&str> = matching_operations(row).iter().map(|op| op.id).collect();
            assert!(
                matching.is_empty(),
                "line {}: {} {} has no op_id, but {matching:?} send {} {}",
                row.line,
                row.service,
                row.method,
                row.http_method,
                row.path
            );
        }
    }

    #[test]
    fn unmapped_rows_have_notes() {
        for row in rows().iter().filter(|row| row.op_id.is_empty()) {
            assert!(!row.note.is_empty(), "line {}: note is empty", row.line);
            assert!(
                !row.note_uk.is_empty(),
                "line {}: note_uk is empty",
                row.line
            );
        }
    }

    #[test]
    fn notes_name_existing_operations() {
        for row in rows() {
            for id in quoted_op_ids(&row.note)
                .into_iter()
                .chain(quoted_op_ids(&row.note_uk))
            {
                assert!(
                    uspacy::operation::find(id).is_some(),
                    "line {}: the note names `{id}`, which is not in the operation table",
                    row.line
                );
            }
        }
    }

    #[test]
    fn mapping_has_no_problems() {
        assert_eq!(problems(&rows()), Vec::<String>::new());
    }

    #[test]
    fn guides_are_current() {
        let root = crate::model::tree().expect("the table forms a tree");
        let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for output in outputs(&root).expect("the mapping is valid") {
            let current = std::fs::read_to_string(workspace.join(&output.path)).unwrap_or_default();
            assert!(
                current == output.content,
                "{} is stale: run `cargo run -p uspacy-codegen`",
                output.path.display()
            );
        }
    }

    #[test]
    fn paths_match_ignoring_names_and_slash() {
        assert_eq!(
            match_path("/crm/v1/reasons/{dealsId}/", "/crm/v1/reasons/{funnel_id}"),
            Some(vec![None])
        );
        assert_eq!(
            match_path("/tasks/v1/tasks/:id", "/tasks/v1/tasks/{id}"),
            Some(vec![None])
        );
    }

    #[test]
    fn literal_fills_only_entity_code() {
        assert_eq!(
            match_path(
                "/crm/v1/entities/leads/{id}",
                "/crm/v1/entities/{entity_code}/{id}"
            ),
            Some(vec![Some("leads"), None])
        );
        assert_eq!(
            match_path(
                "/crm/v1/entities/leads/mass_deletion",
                "/crm/v1/entities/{entity_code}/{id}"
            ),
            None
        );
        assert_eq!(
            match_path("/tasks/v1/tasks/{id}", "/tasks/v1/tasks/hierarchy"),
            None
        );
    }

    #[test]
    fn parse_rejects_bad_rows() {
        let short = format!("{HEADER}\nUsersService\tgetUsers\tGET\n");
        assert!(parse(&short).unwrap_err().contains("expected 7"));
        let method =
            format!("{HEADER}\nUsersService\tgetUsers\tFETCH\t/company/v1/users\t\tx\ty\n");
        assert!(parse(&method).unwrap_err().contains("invalid http_method"));
        let query =
            format!("{HEADER}\nUsersService\tgetUsers\tGET\t/company/v1/users?page=1\t\tx\ty\n");
        assert!(parse(&query).unwrap_err().contains("invalid path"));
        assert!(parse("js_service\n").is_err());
    }

    #[test]
    fn quoted_ids_skip_code() {
        assert_eq!(
            quoted_op_ids("use `auth.change_password` (`PATCH /a/b`), `client.refresh()`, `ids`"),
            vec!["auth.change_password"]
        );
    }
}
