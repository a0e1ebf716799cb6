//! Reads the serde models of `core/src/models` from their Rust source into
//! one description that every emitter of model types renders from, so the
//! bindings cannot disagree about a key, a doc comment or an open model.
//!
//! The reader works line by line and handles only the forms the model
//! files use: structs with named fields, plain or inside `model! { .. }`, with
//! `///` doc comments and `#[serde(..)]` attributes. It skips everything
//! else, including the body of `macro_rules!`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::model::{camel, pascal};

/// A model: a struct with named fields, as serde reads it from JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Model {
    pub name: String,
    /// Doc comment lines without the `///` and the spaces around the text.
    pub doc: Vec<String>,
    /// In source order. Fields that serde skips when deserializing, and the
    /// private fields of a plain struct, are not listed.
    pub fields: Vec<Field>,
    /// Keys that no field names are kept: a field is flattened, or `model!`
    /// adds its flattened `extra` map.
    pub open: bool,
}

impl Model {
    /// Returns the fields that have a JSON key of their own: all but the
    /// flattened ones.
    pub fn keyed_fields(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(|field| !field.flatten)
    }
}

/// A field of a [`Model`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// The JSON key: `rename`, else the Rust name converted by the
    /// container's `rename_all`. It names nothing on the wire when `flatten`.
    pub key: String,
    /// The type as written. Inside `model!` that is the type the macro wraps
    /// in `Option`, which `nullable` records.
    pub rust_type: String,
    pub doc: Vec<String>,
    /// The value may be `null`: the type is an `Option`, or `model!` makes it one.
    pub nullable: bool,
    /// A missing key takes the default: `#[serde(default)]`, which `model!`
    /// adds to every field.
    pub has_default: bool,
    /// `#[serde(skip_serializing_if = ..)]`, which `model!` adds to every
    /// field: the core may leave the key out of the JSON it sends.
    pub skip_serializing_if: bool,
    /// Read with a `deserialize_with` function, as every `model!` field is.
    /// Those functions accept more JSON forms than the type itself (ids as
    /// strings, booleans as `0`/`1`).
    pub lenient: bool,
    /// `#[serde(flatten)]`: the value's keys sit beside the other fields.
    pub flatten: bool,
}

/// Reads the models of `core/src/models`.
pub fn read_core_models() -> Vec<Model> {
    read_dir(&crate::workspace_root().join("core/src/models"))
}

/// Reads the models of every `.rs` file in `dir`, files in name order.
/// Panics when a file cannot be read or parsed, or two models share a
/// name, since every binding declares all models in one module.
fn read_dir(dir: &Path) -> Vec<Model> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("cannot read the models folder {}: {error}", dir.display()))
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .collect();
    files.sort();

    let mut models = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", file.display()));
        let parsed = parse(&source).unwrap_or_else(|error| {
            panic!("cannot read the models of {}: {error}", file.display())
        });
        models.extend(parsed);
    }

    let mut names = BTreeSet::new();
    for model in &models {
        if !names.insert(model.name.as_str()) {
            panic!(
                "two models are named `{}`: the bindings declare all models in one module, rename one",
                model.name
            );
        }
    }
    models
}

/// Reads the models of one source file. The error names the line that
/// could not be read.
pub fn parse(source: &str) -> Result<Vec<Model>, String> {
    let mut reader = Reader {
        lines: source.lines().collect(),
        index: 0,
    };
    reader.models()
}

/// The doc comment and attributes read since the last item; they belong to
/// the next struct or field.
#[derive(Default)]
struct Preamble {
    doc: Vec<String>,
    attributes: Vec<String>,
}

impl Preamble {
    fn clear(&mut self) {
        self.doc.clear();
        self.attributes.clear();
    }
}

/// Returns the text of a `///` doc comment line, or `None` for any other
/// line. `////` starts a plain comment in Rust, so it is not a doc line.
fn doc_text(line: &str) -> Option<&str> {
    let text = line.strip_prefix("///")?;
    (!text.starts_with('/')).then_some(text.trim())
}

struct Reader<'a> {
    lines: Vec<&'a str>,
    /// The next line to read.
    index: usize,
}

impl Reader<'_> {
    fn models(&mut self) -> Result<Vec<Model>, String> {
        let mut models = Vec::new();
        let mut preamble = Preamble::default();
        let mut in_model_macro = false;

        while self.index < self.lines.len() {
            let line = self.lines[self.index].trim();
            if line.starts_with("macro_rules!") {
                self.skip_block();
                preamble.clear();
                continue;
            }
            if line.starts_with("#[") {
                preamble.attributes.push(self.attribute());
                continue;
            }
            if let Some(rest) = line.strip_prefix("pub struct ") {
                let found = self.structure(rest, std::mem::take(&mut preamble), in_model_macro)?;
                models.extend(found);
                in_model_macro = false;
                continue;
            }
            self.index += 1;
            if let Some(text) = doc_text(line) {
                preamble.doc.push(text.to_owned());
            } else if line.starts_with("model!") {
                // A doc comment on the macro call itself documents nothing.
                in_model_macro = true;
                preamble.clear();
            } else if !line.is_empty() && !line.starts_with("//") {
                // Any other item ends the preamble, but a plain comment
                // between a doc comment and its struct does not.
                preamble.clear();
            }
        }
        Ok(models)
    }

    /// Reads the struct whose `pub struct` line is the current one; `rest`
    /// is that line after `pub struct `. A tuple, unit or generic struct and
    /// a name that is not an identifier (`$name` in a macro) are not models:
    /// for them it moves past the line or the braces and returns `None`.
    fn structure(
        &mut self,
        rest: &str,
        preamble: Preamble,
        in_model_macro: bool,
    ) -> Result<Option<Model>, String> {
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '$')
            .collect();
        let after_name = rest[name.len()..].trim_start();
        let body = after_name.strip_prefix('{');
        let Some(body) = body.filter(|_| is_identifier(&name)) else {
            if after_name.contains('{') {
                self.skip_block();
            } else {
                self.index += 1;
            }
            return Ok(None);
        };

        let start = self.index;
        self.index += 1;
        let serde = SerdeOptions::read(&preamble.attributes);
        let rename_all = serde.value("rename_all");
        let fields = if body.trim_start().starts_with('}') {
            Vec::new()
        } else {
            self.fields(in_model_macro, rename_all)
                .map_err(|error| format!("struct `{name}` on line {}: {error}", start + 1))?
        };
        let open = in_model_macro || fields.iter().any(|field| field.flatten);
        Ok(Some(Model {
            name,
            doc: preamble.doc,
            fields,
            open,
        }))
    }

    /// Reads the fields up to the struct's closing brace. Outside `model!`
    /// only `pub` fields are listed, because the bindings describe what
    /// callers of the core see. `model!` makes every field `pub`.
    fn fields(
        &mut self,
        in_model_macro: bool,
        rename_all: Option<&str>,
    ) -> Result<Vec<Field>, String> {
        let mut fields = Vec::new();
        let mut preamble = Preamble::default();
        while self.index < self.lines.len() {
            let line = self.lines[self.index].trim();
            if line.starts_with('}') {
                self.index += 1;
                return Ok(fields);
            }
            if line.starts_with("#[") {
                preamble.attributes.push(self.attribute());
                continue;
            }
            self.index += 1;
            if let Some(text) = doc_text(line) {
                preamble.doc.push(text.to_owned());
                continue;
            }
            if line.is_empty() || line.starts_with("//") {
                continue;
            }

            let preamble = std::mem::take(&mut preamble);
            let declaration = strip_line_comment(line);
            let public = declaration.starts_with("pub ");
            let declaration = declaration.strip_prefix("pub ").unwrap_or(declaration);
            let Some((name, rust_type)) = declaration.split_once(':') else {
                return Err(format!(
                    "line {}: cannot read the field `{line}`: expected `name: Type,`",
                    self.index
                ));
            };
            if !public && !in_model_macro {
                continue;
            }
            let serde = SerdeOptions::read(&preamble.attributes);
            if serde.has("skip") || serde.has("skip_deserializing") {
                continue;
            }

            let name = name.trim().trim_start_matches("r#");
            let rust_type = rust_type.trim().trim_end_matches(',').trim();
            let key = match (serde.value("rename"), rename_all) {
                (Some(key), _) => key.to_owned(),
                (None, Some(style)) => rename_field(name, style)
                    .map_err(|error| format!("line {}: {error}", self.index))?,
                (None, None) => name.to_owned(),
            };
            fields.push(Field {
                key,
                rust_type: rust_type.to_owned(),
                doc: preamble.doc,
                nullable: in_model_macro || type_argument(rust_type, "Option").is_some(),
                has_default: in_model_macro || serde.has("default"),
                skip_serializing_if: in_model_macro || serde.has("skip_serializing_if"),
                lenient: in_model_macro || serde.has("deserialize_with"),
                flatten: serde.has("flatten"),
            });
        }
        Err("the struct has no closing brace".to_owned())
    }

    /// Reads the attribute that starts on the current line, which may span
    /// lines; the lines are joined with single spaces.
    fn attribute(&mut self) -> String {
        let mut text = String::new();
        let mut depth = 0;
        while self.index < self.lines.len() {
            let line = self.lines[self.index].trim();
            self.index += 1;
            text.push_str(line);
            text.push(' ');
            depth += bracket_balance(line, '[', ']');
            if depth <= 0 {
                break;
            }
        }
        text.trim_end().to_owned()
    }

    /// Moves past the brace block that opens on the current line.
    fn skip_block(&mut self) {
        let mut depth = 0;
        let mut opened = false;
        while self.index < self.lines.len() {
            let line = self.lines[self.index];
            self.index += 1;
            depth += bracket_balance(line, '{', '}');
            opened |= line.contains('{');
            if opened && depth <= 0 {
                break;
            }
        }
    }
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(chars.next(), Some(first) if first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Pairs every character of `text` with whether it lies inside a string
/// literal; the quotes themselves count as inside.
fn mark_strings(text: &str) -> Vec<(char, bool)> {
    let mut marked = Vec::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for ch in text.chars() {
        if in_string {
            marked.push((ch, true));
            if escaped {
                escaped = false;
            } else if ch == '\\' {
                escaped = true;
            } else if ch == '"' {
                in_string = false;
            }
        } else {
            in_string = ch == '"';
            marked.push((ch, in_string));
        }
    }
    marked
}

/// Counts the opening minus the closing brackets of a pair in `text`,
/// outside string literals.
fn bracket_balance(text: &str, open: char, close: char) -> i32 {
    mark_strings(text)
        .into_iter()
        .filter(|(_, in_string)| !in_string)
        .map(|(ch, _)| match ch {
            _ if ch == open => 1,
            _ if ch == close => -1,
            _ => 0,
        })
        .sum()
}

/// Cuts a trailing `// comment` off a field line.
fn strip_line_comment(line: &str) -> &str {
    let marked = mark_strings(line);
    let mut offset = 0;
    for (position, (ch, in_string)) in marked.iter().enumerate() {
        let next = marked.get(position + 1).map(|(next, _)| *next);
        if *ch == '/' && !in_string && next == Some('/') {
            return line[..offset].trim_end();
        }
        offset += ch.len_utf8();
    }
    line
}

/// The `name` and `name = "value"` items of the `#[serde(..)]` attributes
/// of one struct or field.
///
/// NOTE: the nested forms `rename(serialize = .., deserialize = ..)` and
/// `rename_all(..)` are not understood; no model uses them.
struct SerdeOptions {
    items: Vec<(String, Option<String>)>,
}

impl SerdeOptions {
    fn read(attributes: &[String]) -> SerdeOptions {
        let mut items = Vec::new();
        for attribute in attributes {
            let Some(inner) = attribute
                .strip_prefix("#[serde(")
                .and_then(|rest| rest.trim_end().strip_suffix(")]"))
            else {
                continue;
            };
            for item in split_at_commas(inner) {
                let item = match item.split_once('=') {
                    Some((key, value)) => (
                        key.trim().to_owned(),
                        Some(value.trim().trim_matches('"').to_owned()),
                    ),
                    None => (item, None),
                };
                items.push(item);
            }
        }
        SerdeOptions { items }
    }

    fn has(&self, key: &str) -> bool {
        self.items.iter().any(|(name, _)| name == key)
    }

    /// Returns the value of the first `key = "value"` item.
    fn value(&self, key: &str) -> Option<&str> {
        self.items
            .iter()
            .find(|(name, _)| name == key)
            .and_then(|(_, value)| value.as_deref())
    }
}

/// Splits `text` at every comma outside string literals and returns the
/// trimmed, non-empty parts.
fn split_at_commas(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    for (ch, in_string) in mark_strings(text) {
        if ch == ',' && !in_string {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(ch);
        }
    }
    parts.push(current);
    parts
        .into_iter()
        .map(|part| part.trim().to_owned())
        .filter(|part| !part.is_empty())
        .collect()
}

/// Converts a snake_case field name as serde's `rename_all = "style"` does.
fn rename_field(name: &str, style: &str) -> Result<String, String> {
    match style {
        "lowercase" | "snake_case" => Ok(name.to_owned()),
        "UPPERCASE" | "SCREAMING_SNAKE_CASE" => Ok(name.to_ascii_uppercase()),
        "camelCase" => Ok(camel(name)),
        "PascalCase" => Ok(pascal(name)),
        "kebab-case" => Ok(name.replace('_', "-")),
        "SCREAMING-KEBAB-CASE" => Ok(name.to_ascii_uppercase().replace('_', "-")),
        other => Err(format!(
            "the serde rename_all style `{other}` is not supported"
        )),
    }
}

/// Returns the argument of `Wrapper<..>` when `rust_type` is that wrapper.
pub fn type_argument<'t>(rust_type: &'t str, wrapper: &str) -> Option<&'t str> {
    rust_type
        .strip_prefix(wrapper)?
        .strip_prefix('<')?
        .strip_suffix('>')
        .map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(key: &str, rust_type: &str) -> Field {
        Field {
            key: key.to_owned(),
            rust_type: rust_type.to_owned(),
            doc: Vec::new(),
            nullable: false,
            has_default: false,
            skip_serializing_if: false,
            lenient: false,
            flatten: false,
        }
    }

    /// Builds a field declared in a `model!` block, with every flag the macro adds.
    fn macro_field(key: &str, rust_type: &str) -> Field {
        Field {
            nullable: true,
            has_default: true,
            skip_serializing_if: true,
            lenient: true,
            ..field(key, rust_type)
        }
    }

    #[test]
    fn model_macro_block() {
        let source = r#"
use crate::model;

model! {
    /// A task.
    #[serde(rename_all = "camelCase")]
    pub struct Task {
        id: String,
        /// Deadline, seconds since the Unix epoch.
        deadline: i64,
        #[serde(rename = "type")]
        task_type: String,
        accomplices_ids: Vec<i64>,
    }
}
"#;
        let expected = Model {
            name: "Task".to_owned(),
            doc: vec!["A task.".to_owned()],
            fields: vec![
                macro_field("id", "String"),
                Field {
                    doc: vec!["Deadline, seconds since the Unix epoch.".to_owned()],
                    ..macro_field("deadline", "i64")
                },
                macro_field("type", "String"),
                macro_field("accomplicesIds", "Vec<i64>"),
            ],
            open: true,
        };
        assert_eq!(parse(source), Ok(vec![expected]));
    }

    #[test]
    fn plain_struct_with_flatten() {
        let source = r#"
/// A stored attachment.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    #[serde(
        default,
        deserialize_with = "flex::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<i64>,
    /// Bytes.
    pub size: u64,
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub sort_by: Map<String, Value>,
    cache: Vec<u8>,
    #[serde(skip)]
    pub local_path: Option<String>,
    /// Every other key.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
"#;
        let models = parse(source).unwrap();
        assert_eq!(models.len(), 1);
        let attachment = &models[0];
        assert_eq!(attachment.name, "Attachment");
        assert_eq!(attachment.doc, ["A stored attachment."]);
        assert!(attachment.open);
        let expected = vec![
            Field {
                nullable: true,
                has_default: true,
                skip_serializing_if: true,
                lenient: true,
                ..field("id", "Option<i64>")
            },
            Field {
                doc: vec!["Bytes.".to_owned()],
                ..field("size", "u64")
            },
            Field {
                skip_serializing_if: true,
                ..field("sortBy", "Map<String, Value>")
            },
            Field {
                doc: vec!["Every other key.".to_owned()],
                flatten: true,
                ..field("extra", "Map<String, Value>")
            },
        ];
        assert_eq!(attachment.fields, expected);
        let keyed: Vec<&str> = attachment.keyed_fields().map(|f| f.key.as_str()).collect();
        assert_eq!(keyed, ["id", "size", "sortBy"]);
    }

    #[test]
    fn struct_without_flatten_is_closed() {
        let source = "pub struct Money {\n    pub currency: String,\n    pub value: Decimal,\n}\n";
        let models = parse(source).unwrap();
        assert!(!models[0].open);
        assert_eq!(models[0].doc, Vec::<String>::new());
        assert_eq!(
            models[0].fields,
            [field("currency", "String"), field("value", "Decimal")]
        );
    }

    #[test]
    fn rename_beats_rename_all() {
        let source = r#"
#[serde(rename_all = "PascalCase")]
pub struct Result {
    #[serde(rename = "SUCCESS", default)]
    pub succeeded: Vec<i64>,
    pub failed_ids: Vec<i64>,
    #[serde(rename = "files[]")]
    pub r#files: Vec<String>,
}
"#;
        let models = parse(source).unwrap();
        let keys: Vec<&str> = models[0].fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["SUCCESS", "FailedIds", "files[]"]);
        assert!(models[0].fields[0].has_default);
        assert!(!models[0].fields[1].has_default);
    }

    #[test]
    fn rename_all_styles() {
        let cases = [
            ("lowercase", "responsible_id"),
            ("snake_case", "responsible_id"),
            ("UPPERCASE", "RESPONSIBLE_ID"),
            ("SCREAMING_SNAKE_CASE", "RESPONSIBLE_ID"),
            ("camelCase", "responsibleId"),
            ("PascalCase", "ResponsibleId"),
            ("kebab-case", "responsible-id"),
            ("SCREAMING-KEBAB-CASE", "RESPONSIBLE-ID"),
        ];
        for (style, expected) in cases {
            assert_eq!(
                rename_field("responsible_id", style).as_deref(),
                Ok(expected),
                "{style}"
            );
        }
        assert!(rename_field("responsible_id", "Title Case").is_err());
    }

    #[test]
    fn plain_comment_keeps_doc() {
        let source = r#"
/// A money amount.
// Written by hand: the derived form is slower.
#[derive(Serialize)]
// Another note.
pub struct Money {
    /// ISO 4217 code.
    // Three letters.
    pub currency: String, // `UAH`, `USD`
}
"#;
        let models = parse(source).unwrap();
        assert_eq!(models[0].doc, ["A money amount."]);
        assert_eq!(models[0].fields[0].doc, ["ISO 4217 code."]);
        assert_eq!(models[0].fields[0].rust_type, "String");
    }

    #[test]
    fn other_items_drop_doc() {
        let source = r#"
/// Belongs to the function.
fn helper() {}

pub struct Bare {
    pub id: i64,
}

/// Belongs to the macro call.
model! {
    pub struct Loose {
        id: i64,
    }
}
"#;
        let models = parse(source).unwrap();
        assert_eq!(models[0].doc, Vec::<String>::new());
        assert_eq!(models[1].doc, Vec::<String>::new());
        assert!(!models[0].fields[0].lenient);
        assert!(models[1].fields[0].lenient);
    }

    #[test]
    fn skips_non_models() {
        let source = r#"
/// A decimal number kept as text.
pub struct Decimal(String);

pub struct Marker;

macro_rules! model {
    (pub struct $name:ident { $($field:ident : $ty:ty),* }) => {
        pub struct $name {
            pub extra: Map<String, Value>,
        }
    };
}

pub struct Empty {}

/// A page of any item type.
pub struct Page<T> {
    pub data: Vec<T>,
}

pub struct Last {
    pub id: i64,
}
"#;
        let models = parse(source).unwrap();
        let names: Vec<&str> = models.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["Empty", "Last"]);
        assert_eq!(models[0].fields, []);
        assert_eq!(models[1].doc, Vec::<String>::new());
    }

    #[test]
    fn unreadable_field_names_line() {
        let source = "pub struct Broken {\n    pub id: i64,\n    oops\n}\n";
        let error = parse(source).unwrap_err();
        assert!(error.contains("struct `Broken` on line 1"), "{error}");
        assert!(error.contains("line 3"), "{error}");
        assert!(error.contains("`oops`"), "{error}");
    }

    #[test]
    fn unclosed_struct_fails() {
        let error = parse("pub struct Open {\n    pub id: i64,\n").unwrap_err();
        assert!(error.contains("no closing brace"), "{error}");
    }

    #[test]
    fn attribute_brackets_in_strings() {
        let source = r#"
pub struct Upload {
    #[serde(
        rename = "files[]",
        default
    )]
    pub files: Vec<String>,
    #[serde(rename = "a,b")]
    pub pair: String,
}
"#;
        let models = parse(source).unwrap();
        assert_eq!(models[0].fields[0].key, "files[]");
        assert!(models[0].fields[0].has_default);
        assert_eq!(models[0].fields[1].key, "a,b");
    }

    #[test]
    fn core_models_read() {
        let models = read_core_models();
        let item = models.iter().find(|m| m.name == "Item").expect("Item");
        assert!(item.open);
        assert!(item.keyed_fields().any(|f| f.key == "kanban_stage_id"));
    }

    #[test]
    fn type_arguments() {
        assert_eq!(
            type_argument("Option<Vec<i64>>", "Option"),
            Some("Vec<i64>")
        );
        assert_eq!(type_argument("Vec<i64>", "Option"), None);
        assert_eq!(type_argument("Optional<i64>", "Option"), None);
    }
}
