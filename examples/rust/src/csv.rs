//! CSV in the RFC 4180 form: cells separated by commas, records by CRLF or
//! LF, a cell in double quotes may contain commas, line breaks and doubled
//! quotes.

/// One record of a CSV text and the line it starts on (from 1).
#[derive(Debug, PartialEq)]
pub struct Record {
    pub line: usize,
    pub cells: Vec<String>,
}

/// Quotes a CSV cell when it contains a comma, a quote or a line break.
pub fn quote(text: &str) -> String {
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// Parses CSV text into records, skipping empty lines as Python's
/// `csv.DictReader` does. A quote inside an unquoted cell is kept as text,
/// as Python's `csv` module keeps it.
///
/// Returns an error naming the line for a quoted cell that is not closed
/// or that has text after its closing quote.
pub fn parse(text: &str) -> Result<Vec<Record>, String> {
    let mut records = Vec::new();
    let mut cells = Vec::new();
    let mut cell = String::new();
    // Whether the current cell began with a quote, and whether that quote is still open.
    let mut quoted = false;
    let mut in_quotes = false;
    let mut line = 1;
    let mut record_line = 1;
    let mut chars = text.chars().peekable();

    while let Some(ch) = chars.next() {
        if in_quotes {
            match ch {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => in_quotes = false,
                _ => {
                    if ch == '\n' {
                        line += 1;
                    }
                    cell.push(ch);
                }
            }
            continue;
        }
        match ch {
            ',' => {
                cells.push(std::mem::take(&mut cell));
                quoted = false;
            }
            '\r' | '\n' => {
                if ch == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                if !cells.is_empty() || !cell.is_empty() || quoted {
                    cells.push(std::mem::take(&mut cell));
                    records.push(Record {
                        line: record_line,
                        cells: std::mem::take(&mut cells),
                    });
                }
                quoted = false;
                line += 1;
                record_line = line;
            }
            '"' if cell.is_empty() && !quoted => {
                quoted = true;
                in_quotes = true;
            }
            _ if quoted => {
                return Err(format!(
                    "line {line}: unexpected text after the closing quote of a cell"
                ));
            }
            _ => cell.push(ch),
        }
    }
    if in_quotes {
        return Err(format!(
            "line {record_line}: a quoted cell is not closed before the end of the file"
        ));
    }
    if !cells.is_empty() || !cell.is_empty() || quoted {
        cells.push(cell);
        records.push(Record {
            line: record_line,
            cells,
        });
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(text: &str) -> Vec<Vec<String>> {
        parse(text)
            .unwrap()
            .into_iter()
            .map(|record| record.cells)
            .collect()
    }

    #[test]
    fn plain_records_with_lf_and_crlf() {
        assert_eq!(cells("a,b\n1,2\n"), [["a", "b"], ["1", "2"]]);
        assert_eq!(cells("a,b\r\n1,2\r\n"), [["a", "b"], ["1", "2"]]);
        assert_eq!(cells("a,b\n1,2"), [["a", "b"], ["1", "2"]]);
    }

    #[test]
    fn empty_cells_are_kept() {
        assert_eq!(cells(",x,\n"), [["", "x", ""]]);
        assert_eq!(cells("\"\"\n"), [[""]]);
    }

    #[test]
    fn quoted_cells() {
        assert_eq!(
            cells("title,city\n\"ТОВ «А, Б»\",Київ\n"),
            [["title", "city"], ["ТОВ «А, Б»", "Київ"]]
        );
        assert_eq!(cells("\"say \"\"hi\"\"\",2\n"), [["say \"hi\"", "2"]]);
        assert_eq!(cells("\"two\nlines\",2\n"), [["two\nlines", "2"]]);
    }

    #[test]
    fn quote_inside_unquoted_cell_is_text() {
        assert_eq!(cells("ТОВ \"Ромашка\",1\n"), [["ТОВ \"Ромашка\"", "1"]]);
    }

    #[test]
    fn empty_lines_are_skipped() {
        assert_eq!(cells("a\n\n\nb\n"), [["a"], ["b"]]);
        assert!(cells("").is_empty());
    }

    #[test]
    fn records_know_their_first_line() {
        let records = parse("h\n\"x\ny\"\n\nz\n").unwrap();
        let lines: Vec<usize> = records.iter().map(|record| record.line).collect();
        assert_eq!(lines, [1, 2, 5]);
    }

    #[test]
    fn unclosed_quote_is_an_error() {
        assert_eq!(
            parse("a\n\"open,1\n").unwrap_err(),
            "line 2: a quoted cell is not closed before the end of the file"
        );
    }

    #[test]
    fn text_after_closing_quote_is_an_error() {
        assert_eq!(
            parse("a\n\"x\"y,1\n").unwrap_err(),
            "line 2: unexpected text after the closing quote of a cell"
        );
    }

    #[test]
    fn quote_round_trips_through_parse() {
        let text = "a \"b\", c\nd";
        let line = format!("{},plain\n", quote(text));
        assert_eq!(cells(&line), [[text, "plain"]]);
        assert_eq!(quote("plain"), "plain");
    }
}
