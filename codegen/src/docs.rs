//! Emits the API reference pages `docs/reference/{rust,python,node}.md` and
//! their Ukrainian twins in `docs/uk/reference/`: every namespace of the
//! operation table with each method's call form, HTTP method and path, so the
//! pages list exactly what the packages expose. The two locales share the
//! tables and differ in the prose around them.

use std::fmt::Write;
use std::path::PathBuf;

use uspacy::{BodyKind, Paging};

use crate::model::{camel, MethodSpec, Namespace};
use crate::Output;

const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
    "where", "while", "yield",
];

const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// A language of the reference: how it spells namespaces, methods and arguments.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Language {
    Rust,
    Python,
    Node,
}

impl Language {
    fn file(self) -> &'static str {
        match self {
            Language::Rust => "rust",
            Language::Python => "python",
            Language::Node => "node",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Language::Rust => "Rust",
            Language::Python => "Python",
            Language::Node => "Node.js",
        }
    }

    fn code_fence(self) -> &'static str {
        match self {
            Language::Rust => "rust",
            Language::Python => "python",
            Language::Node => "js",
        }
    }

    /// A method or namespace name as the package spells it.
    fn name(self, snake: &str) -> String {
        match self {
            Language::Rust if RUST_KEYWORDS.contains(&snake) => format!("r#{snake}"),
            Language::Python if PYTHON_KEYWORDS.contains(&snake) => format!("{snake}_"),
            Language::Node => camel(snake),
            _ => snake.to_owned(),
        }
    }

    /// Builds the expression that reaches a namespace from a client (`client.crm().items()`).
    fn accessor(self, path: &str) -> String {
        let mut out = String::from("client");
        for part in path.split('.') {
            let name = self.name(part);
            match self {
                Language::Rust => write!(out, ".{name}()").unwrap(),
                _ => write!(out, ".{name}").unwrap(),
            }
        }
        out
    }

    /// The call form of a method: its name and its arguments in order.
    fn call(self, method: &MethodSpec) -> String {
        let path_args = method.path_params.iter().map(|p| self.name(p)).collect();
        self.call_with(method, path_args)
    }

    /// The call form of a method with `args` in place of its path parameters.
    fn call_with(self, method: &MethodSpec, mut args: Vec<String>) -> String {
        let body = method.op.body;
        let query = !method.op.query.is_empty() || method.op.paging != Paging::None;
        match self {
            Language::Rust => {
                match body {
                    BodyKind::Json => args.push("&body".to_owned()),
                    BodyKind::Multipart => args.push("multipart".to_owned()),
                    BodyKind::None => {}
                }
                if query {
                    args.push("&query".to_owned());
                }
            }
            Language::Python => {
                match body {
                    BodyKind::Json => args.push("body".to_owned()),
                    BodyKind::Multipart => args.push("files=..., fields=...".to_owned()),
                    BodyKind::None => {}
                }
                let keywords: Vec<String> = method
                    .query
                    .iter()
                    .map(|param| self.name(&param.ident))
                    .collect();
                if !keywords.is_empty() {
                    args.push(format!("*, {}", keywords.join(", ")));
                }
            }
            Language::Node => {
                match body {
                    BodyKind::Json => args.push("body".to_owned()),
                    BodyKind::Multipart => args.push("{ files, fields }".to_owned()),
                    BodyKind::None => {}
                }
                let options: Vec<String> = method.query.iter().map(|p| camel(&p.ident)).collect();
                if !options.is_empty() {
                    args.push(format!("{{ {} }}", options.join(", ")));
                }
            }
        }
        format!("{}({})", self.name(&method.name), args.join(", "))
    }

    fn iterator(self, method: &MethodSpec) -> String {
        match &method.iter_name {
            Some(name) => format!("`{}`", self.name(name)),
            None => String::new(),
        }
    }

    fn introduction(self, locale: Locale) -> &'static str {
        match (locale, self) {
            (Locale::Uk, Language::Rust) => {
                "До кожного простору імен веде метод-аксесор `uspacy::Client`; кожен метод \
                 асинхронний і повертає `uspacy::Result`. `&body` — будь-яке значення з \
                 `Serialize`, `&query` — будь-яка `Serialize`-мапа параметрів запиту \
                 (`&serde_json::json!({})`, якщо параметрів немає). Операція з пагінацією має \
                 ще й метод-ітератор, що повертає `Stream` елементів і завантажує по одній \
                 сторінці."
            }
            (Locale::Uk, Language::Python) => {
                "Кожен простір імен — атрибут `uspacy.Client` і `uspacy.AsyncClient` (у \
                 другого методи є корутинами). Параметри шляху передаються позиційно, за ними \
                 JSON-тіло, а задокументовані параметри запиту — іменованими аргументами; \
                 будь-який інший параметр іде в `query={...}`. Операція з пагінацією має ще й \
                 метод-ітератор, що віддає елементи всіх сторінок."
            }
            (Locale::Uk, Language::Node) => {
                "Кожен простір імен — властивість `Uspacy`, і кожен метод повертає проміс. \
                 Спершу йдуть параметри шляху, потім тіло, потім об'єкт опцій із параметрами \
                 запиту в camelCase; ключі, яких у ньому немає, надсилаються без змін. \
                 Операція з пагінацією має ще й метод-ітератор для `for await`."
            }
            (Locale::En, _) => self.introduction_en(),
        }
    }

    fn introduction_en(self) -> &'static str {
        match self {
            Language::Rust => {
                "Each namespace is reached from a `uspacy::Client` by accessor methods, and every \
                 method is `async` and returns `uspacy::Result`. `&body` is any `Serialize` value, \
                 `&query` any `Serialize` map of query parameters (`&serde_json::json!({})` for \
                 none). A paging operation also has an iterator method that returns a `Stream` of \
                 items, fetching one page at a time."
            }
            Language::Python => {
                "Each namespace is an attribute of `uspacy.Client` and `uspacy.AsyncClient` (whose \
                 methods are coroutines). Path parameters are positional, the JSON body follows \
                 them, and the documented query parameters are keyword arguments; any other \
                 parameter goes in `query={...}`. A paging operation also has an iterator method \
                 that yields the items of every page."
            }
            Language::Node => {
                "Each namespace is a property of `Uspacy`, and every method returns a promise. \
                 Path parameters come first, then the body, then an options object with the \
                 query parameters in camelCase; keys it does not list are sent unchanged. A \
                 paging operation also has an iterator method for `for await`."
            }
        }
    }
}

/// Builds the Node.js call of `method` in `namespace` as the reference spells
/// it. A path parameter with a value in `fixed` is written as that string
/// literal (`client.crm.items.get('leads', id)`).
pub(crate) fn node_call(namespace: &str, method: &MethodSpec, fixed: &[Option<&str>]) -> String {
    let args = method
        .path_params
        .iter()
        .enumerate()
        .map(|(index, param)| match fixed.get(index).copied().flatten() {
            Some(literal) => format!("'{literal}'"),
            None => Language::Node.name(param),
        })
        .collect();
    format!(
        "{}.{}",
        Language::Node.accessor(namespace),
        Language::Node.call_with(method, args)
    )
}

/// The language of a page's prose.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Locale {
    En,
    Uk,
}

impl Locale {
    fn folder(self) -> &'static str {
        match self {
            Locale::En => "docs/reference",
            Locale::Uk => "docs/uk/reference",
        }
    }
}

fn page(root: &Namespace, language: Language, locale: Locale) -> String {
    let mut out = String::new();
    let mut operations = 0;
    root.walk(&mut |namespace| operations += namespace.methods.len());
    match locale {
        Locale::En => writeln!(out, "# {} API reference", language.title()).unwrap(),
        Locale::Uk => writeln!(out, "# Довідник API для {}", language.title()).unwrap(),
    }
    writeln!(out).unwrap();
    writeln!(
        out,
        "<!-- Written by `cargo run -p uspacy-codegen` from the operation table; do not edit. -->"
    )
    .unwrap();
    writeln!(out).unwrap();
    writeln!(out, "{}", language.introduction(locale)).unwrap();
    writeln!(out).unwrap();
    match locale {
        Locale::En => writeln!(
            out,
            "The table has {operations} operations. Any of them can also be called by its \
             operation id with `client.call`."
        ),
        Locale::Uk => writeln!(
            out,
            "Кількість операцій у таблиці: {operations}. Будь-яку з них можна викликати й за \
             ідентифікатором операції через `client.call`."
        ),
    }
    .unwrap();
    let header = match locale {
        Locale::En => "| method | HTTP | iterator |",
        Locale::Uk => "| метод | HTTP | ітератор |",
    };
    root.walk(&mut |namespace| {
        if namespace.methods.is_empty() {
            return;
        }
        writeln!(out).unwrap();
        writeln!(out, "## {}", namespace.path).unwrap();
        writeln!(out).unwrap();
        writeln!(out, "```{}", language.code_fence()).unwrap();
        writeln!(out, "{}", language.accessor(&namespace.path)).unwrap();
        writeln!(out, "```").unwrap();
        writeln!(out).unwrap();
        writeln!(out, "{header}").unwrap();
        writeln!(out, "|---|---|---|").unwrap();
        for method in &namespace.methods {
            writeln!(
                out,
                "| `{}` | `{} {}` | {} |",
                language.call(method).replace('|', "\\|"),
                method.op.method.as_str(),
                method.op.path,
                language.iterator(method)
            )
            .unwrap();
        }
    });
    out
}

pub fn outputs(root: &Namespace) -> Vec<Output> {
    let mut outputs = Vec::new();
    for locale in [Locale::En, Locale::Uk] {
        for language in [Language::Rust, Language::Python, Language::Node] {
            outputs.push(Output {
                path: PathBuf::from(format!("{}/{}.md", locale.folder(), language.file())),
                content: page(root, language, locale),
            });
        }
    }
    outputs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generated(path: &str) -> String {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        std::fs::read_to_string(root.join(path)).unwrap_or_else(|error| panic!("{path}: {error}"))
    }

    /// Every method name on the pages is one the package's generated code defines.
    #[test]
    fn names_match_generated_code() {
        let root = crate::model::tree().expect("the table forms a tree");
        let rust = generated("core/src/api/generated.rs");
        let python = generated("bindings-python/python/uspacy/_generated.pyi");
        let node = generated("bindings-node/lib/generated/api.d.ts");
        root.walk(&mut |namespace| {
            for method in &namespace.methods {
                let names = std::iter::once(&method.name).chain(method.iter_name.as_ref());
                for name in names {
                    let rust_fn = format!("pub fn {}", Language::Rust.name(name));
                    let rust_async = format!("pub async fn {}", Language::Rust.name(name));
                    assert!(
                        rust.contains(&format!("{rust_fn}("))
                            || rust.contains(&format!("{rust_fn}<"))
                            || rust.contains(&format!("{rust_async}("))
                            || rust.contains(&format!("{rust_async}<")),
                        "Rust has no method {name} of {}",
                        namespace.path
                    );
                    let python_def = format!("def {}(", Language::Python.name(name));
                    assert!(
                        python.contains(&python_def),
                        "Python has no {python_def} in {}",
                        namespace.path
                    );
                    let node_method = format!("  {}(", Language::Node.name(name));
                    assert!(
                        node.contains(&node_method),
                        "Node has no {node_method} in {}",
                        namespace.path
                    );
                }
            }
        });
    }

    #[test]
    fn pages_list_every_operation() {
        let root = crate::model::tree().expect("the table forms a tree");
        for output in outputs(&root) {
            for op in uspacy::OPERATIONS {
                let row = format!("| `{} {}` |", op.method.as_str(), op.path);
                assert!(
                    output.content.contains(&row),
                    "{} lacks {}",
                    output.path.display(),
                    op.id
                );
            }
        }
    }
}
