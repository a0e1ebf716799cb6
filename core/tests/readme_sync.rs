//! Keeps README.md and README.uk.md in step: the same heading levels in the
//! same order, and identical fenced code blocks in the same order. Also
//! checks that every `rust` block of README.md is a run of lines from a file
//! in core/examples, so the README's code is compiled by `cargo test`.
//!
//! Only ATX headings (`# Title`) are recognized; the READMEs use no other kind.

use std::fs;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq)]
struct Heading {
    level: usize,
    text: String,
    /// 1-based line number.
    line: usize,
}

#[derive(Debug, Clone, PartialEq)]
struct CodeBlock {
    /// The info string after the opening fence (`rust`, `sh`, ...).
    info: String,
    /// The lines between the fences, each ending in `\n`.
    body: String,
    /// 1-based line number of the opening fence.
    line: usize,
}

#[derive(Debug, Default)]
struct Outline {
    headings: Vec<Heading>,
    blocks: Vec<CodeBlock>,
}

/// An opening fence that is still open.
struct OpenFence {
    marker: char,
    length: usize,
    block: CodeBlock,
}

/// Splits a fence line into its marker character, marker length and info
/// string; `None` when the line is not a fence.
fn fence(line: &str) -> Option<(char, usize, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let marker = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let length = rest.len() - rest.trim_start_matches(marker).len();
    if length < 3 {
        return None;
    }
    Some((marker, length, rest[length..].trim()))
}

/// Returns the level and text of an ATX heading line.
fn heading(line: &str) -> Option<(usize, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let level = rest.len() - rest.trim_start_matches('#').len();
    let text = &rest[level..];
    let valid = (1..=6).contains(&level) && (text.is_empty() || text.starts_with(' '));
    valid.then(|| (level, text.trim().trim_end_matches('#').trim_end()))
}

fn parse(markdown: &str) -> Outline {
    let mut outline = Outline::default();
    let mut open: Option<OpenFence> = None;

    for (index, line) in markdown.lines().enumerate() {
        let number = index + 1;
        if let Some(current) = open.as_mut() {
            let closes = fence(line).is_some_and(|(marker, length, info)| {
                marker == current.marker && length >= current.length && info.is_empty()
            });
            if closes {
                let finished = open.take().expect("a fence is open");
                outline.blocks.push(finished.block);
            } else {
                current.block.body.push_str(line);
                current.block.body.push('\n');
            }
            continue;
        }
        if let Some((marker, length, info)) = fence(line) {
            open = Some(OpenFence {
                marker,
                length,
                block: CodeBlock {
                    info: info.to_owned(),
                    body: String::new(),
                    line: number,
                },
            });
        } else if let Some((level, text)) = heading(line) {
            outline.headings.push(Heading {
                level,
                text: text.to_owned(),
                line: number,
            });
        }
    }
    if let Some(unclosed) = open {
        // In Markdown an unclosed fence runs to the end of the document,
        // so the block is kept and still compared.
        outline.blocks.push(unclosed.block);
    }
    outline
}

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("core/ has a parent directory")
        .to_path_buf()
}

fn read(relative: &str) -> String {
    let path = repository_root().join(relative);
    fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

fn readmes() -> (Outline, Outline) {
    (parse(&read("README.md")), parse(&read("README.uk.md")))
}

fn describe_heading(heading: Option<&Heading>) -> String {
    match heading {
        Some(heading) => format!(
            "line {}: {} {}",
            heading.line,
            "#".repeat(heading.level),
            heading.text
        ),
        None => "no heading".to_owned(),
    }
}

#[test]
fn readmes_have_same_heading_levels() {
    let (english, ukrainian) = readmes();
    assert!(
        english.headings.len() >= 3,
        "README.md has {} headings; the parser or the file is broken",
        english.headings.len()
    );

    let english_levels: Vec<usize> = english.headings.iter().map(|h| h.level).collect();
    let ukrainian_levels: Vec<usize> = ukrainian.headings.iter().map(|h| h.level).collect();
    if english_levels == ukrainian_levels {
        return;
    }

    let first_difference = (0..english_levels.len().max(ukrainian_levels.len()))
        .find(|&index| english_levels.get(index) != ukrainian_levels.get(index))
        .expect("the level lists differ somewhere");
    panic!(
        "README.md and README.uk.md differ in heading structure at heading {}:\n  \
         README.md    {}\n  README.uk.md {}\n\
         README.md has {} headings, README.uk.md has {}; translate sections one to one",
        first_difference + 1,
        describe_heading(english.headings.get(first_difference)),
        describe_heading(ukrainian.headings.get(first_difference)),
        english_levels.len(),
        ukrainian_levels.len(),
    );
}

#[test]
fn readmes_have_same_code_blocks() {
    let (english, ukrainian) = readmes();
    assert!(
        !english.blocks.is_empty(),
        "README.md has no fenced code block; the parser or the file is broken"
    );

    for (index, (en, uk)) in english.blocks.iter().zip(&ukrainian.blocks).enumerate() {
        let first_line_difference = en
            .body
            .lines()
            .zip(uk.body.lines())
            .position(|(a, b)| a != b)
            .map_or_else(
                || "one block has more lines".to_owned(),
                |offset| {
                    format!(
                        "first difference in block line {}:\n    README.md:    {:?}\n    README.uk.md: {:?}",
                        offset + 1,
                        en.body.lines().nth(offset).unwrap_or_default(),
                        uk.body.lines().nth(offset).unwrap_or_default()
                    )
                },
            );
        assert!(
            en.info == uk.info && en.body == uk.body,
            "code block {} differs: README.md line {} (```{}) vs README.uk.md line {} (```{}); {}\n\
             Code blocks must be identical in both READMEs; translate the prose around them instead.",
            index + 1,
            en.line,
            en.info,
            uk.line,
            uk.info,
            first_line_difference
        );
    }
    assert_eq!(
        english.blocks.len(),
        ukrainian.blocks.len(),
        "README.md has {} code blocks, README.uk.md has {}",
        english.blocks.len(),
        ukrainian.blocks.len()
    );
}

/// Lines with surrounding whitespace removed, so a README block may show
/// code from inside a function without its indentation.
fn trimmed_lines(text: &str) -> Vec<&str> {
    text.lines().map(str::trim).collect()
}

#[test]
fn readme_rust_blocks_come_from_examples() {
    let examples_dir = repository_root().join("core/examples");
    let mut examples = Vec::new();
    for entry in fs::read_dir(&examples_dir).expect("core/examples exists") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_some_and(|extension| extension == "rs") {
            let text = fs::read_to_string(&path).expect("an example is UTF-8");
            examples.push((path, text));
        }
    }

    let (english, _) = readmes();
    let rust_blocks: Vec<&CodeBlock> = english
        .blocks
        .iter()
        .filter(|block| block.info == "rust")
        .collect();
    assert!(!rust_blocks.is_empty(), "README.md has no ```rust block");

    for block in rust_blocks {
        let expected_lines = trimmed_lines(&block.body);
        assert!(
            !expected_lines.is_empty(),
            "README.md line {}: empty rust block",
            block.line
        );
        let found = examples.iter().any(|(_, text)| {
            let lines = trimmed_lines(text);
            lines
                .windows(expected_lines.len())
                .any(|window| window == expected_lines.as_slice())
        });
        assert!(
            found,
            "README.md line {}: this rust block is not a run of lines of any file in {}; \
             copy the code into an example there (or fix the difference) so that it is compiled",
            block.line,
            examples_dir.display()
        );
    }
}

#[test]
fn parser_skips_headings_inside_code() {
    let markdown = "# Title\n\n```sh\n# a shell comment\n~~~\n```\n\n## Section ##\n~~~~text\n```\n## not a heading\n~~~~\n#no space\n";
    let outline = parse(markdown);

    let headings: Vec<(usize, &str)> = outline
        .headings
        .iter()
        .map(|h| (h.level, h.text.as_str()))
        .collect();
    assert_eq!(headings, vec![(1, "Title"), (2, "Section")]);
    assert_eq!(outline.blocks.len(), 2);
    assert_eq!(outline.blocks[0].info, "sh");
    assert_eq!(outline.blocks[0].body, "# a shell comment\n~~~\n");
    assert_eq!(outline.blocks[1].info, "text");
    assert_eq!(outline.blocks[1].body, "```\n## not a heading\n");
}
