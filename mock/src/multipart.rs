//! A `multipart/form-data` parser over a fully read body.
//!
//! Part headers are decoded as UTF-8, so a raw UTF-8 `filename="Договір.pdf"`
//! (what browsers send) comes back byte for byte. A `filename*=UTF-8''...`
//! parameter (RFC 6266) is percent-decoded and takes precedence over `filename`.

use bytes::Bytes;

/// One part of a multipart body.
#[derive(Debug)]
pub(crate) struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Bytes,
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|position| position + from)
}

/// Reads the `boundary` parameter of a `multipart/form-data` content type.
pub(crate) fn boundary(content_type: &str) -> Option<String> {
    let (mime, params) = content_type.split_once(';')?;
    if !mime.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    header_params(params)
        .into_iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("boundary"))
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

/// Splits `; a=b; c="d; e"` into pairs, honouring quotes and backslash escapes.
fn header_params(text: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ';' || c.is_whitespace()) {
            chars.next();
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c == ';' {
                break;
            }
            key.push(c);
            chars.next();
        }
        if key.is_empty() && chars.peek().is_none() {
            break;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'=') {
            chars.next();
            if chars.peek() == Some(&'"') {
                chars.next();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        // Browsers do not escape backslashes in file names,
                        // so only `\"` is treated as an escape.
                        '\\' if chars.peek() == Some(&'"') => {
                            value.push('"');
                            chars.next();
                        }
                        other => value.push(other),
                    }
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c == ';' {
                        break;
                    }
                    value.push(c);
                    chars.next();
                }
                value = value.trim().to_string();
            }
        }
        pairs.push((key.trim().to_ascii_lowercase(), value));
        if chars.peek().is_none() {
            break;
        }
    }
    pairs
}

/// Decodes an RFC 5987 value such as `UTF-8''%D0%94.pdf`.
fn decode_ext_value(value: &str) -> Option<String> {
    let mut pieces = value.splitn(3, '\'');
    let charset = pieces.next()?;
    let _language = pieces.next()?;
    let encoded = pieces.next()?;
    if !charset.eq_ignore_ascii_case("utf-8") {
        return None;
    }
    percent_encoding::percent_decode_str(encoded)
        .decode_utf8()
        .ok()
        .map(|text| text.into_owned())
}

/// Parses the whole body; `Err` describes what is malformed.
pub(crate) fn parse(boundary: &str, body: &Bytes) -> Result<Vec<Part>, String> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let next_delimiter = [b"\r\n".as_slice(), delimiter].concat();
    let mut position = find(body, delimiter, 0).ok_or("the multipart body has no boundary line")?
        + delimiter.len();
    let mut parts = Vec::new();
    loop {
        if body[position..].starts_with(b"--") {
            return Ok(parts);
        }
        // Skip transport padding, then the line break after the delimiter.
        while body
            .get(position)
            .is_some_and(|b| *b == b' ' || *b == b'\t')
        {
            position += 1;
        }
        if !body[position..].starts_with(b"\r\n") {
            return Err("a boundary line is not followed by CRLF".into());
        }
        position += 2;
        let header_end = find(body, b"\r\n\r\n", position).ok_or("a part has no end of headers")?;
        let header_text = String::from_utf8_lossy(&body[position..header_end]).into_owned();
        let content_start = header_end + 4;
        let content_end = find(body, &next_delimiter, content_start)
            .ok_or("the multipart body is missing its closing boundary")?;
        parts.push(part_from(
            &header_text,
            body.slice(content_start..content_end),
        )?);
        position = content_end + next_delimiter.len();
    }
}

fn part_from(header_text: &str, data: Bytes) -> Result<Part, String> {
    let mut name = None;
    let mut filename = None;
    let mut filename_ext = None;
    let mut content_type = None;
    for line in header_text.split("\r\n") {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim();
        if key.eq_ignore_ascii_case("content-disposition") {
            let params = match value.split_once(';') {
                Some((_, params)) => params,
                None => "",
            };
            for (param, param_value) in header_params(params) {
                match param.as_str() {
                    "name" => name = Some(param_value),
                    "filename" => filename = Some(param_value),
                    "filename*" => filename_ext = decode_ext_value(&param_value),
                    _ => {}
                }
            }
        } else if key.eq_ignore_ascii_case("content-type") {
            content_type = Some(value.trim().to_string());
        }
    }
    Ok(Part {
        name: name.ok_or("a part has no Content-Disposition name")?,
        filename: filename_ext.or(filename),
        content_type,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_raw_utf8_filename() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"entityType\"\r\n\r\ndeals\r\n\
                    --XyZ\r\nContent-Disposition: form-data; name=\"files[]\"; filename=\"Договір №5.pdf\"\r\n\
                    Content-Type: application/pdf\r\n\r\n%PDF-1\r\n--XyZ--\r\n";
        let parts = parse("XyZ", &Bytes::from(body)).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "entityType");
        assert_eq!(&parts[0].data[..], b"deals");
        assert_eq!(parts[1].filename.as_deref(), Some("Договір №5.pdf"));
        assert_eq!(&parts[1].data[..], b"%PDF-1");
    }

    #[test]
    fn extended_filename_wins() {
        let body = "--b\r\nContent-Disposition: form-data; name=\"files[]\"; filename=\"x.txt\"; \
                    filename*=UTF-8''%D0%90%D0%BA%D1%82.txt\r\n\r\nhi\r\n--b--";
        let parts = parse("b", &Bytes::from(body)).unwrap();
        assert_eq!(parts[0].filename.as_deref(), Some("Акт.txt"));
    }

    #[test]
    fn boundary_from_content_type() {
        assert_eq!(
            boundary("multipart/form-data; boundary=\"a b\"").as_deref(),
            Some("a b")
        );
        assert_eq!(boundary("application/json"), None);
    }

    #[test]
    fn missing_close_is_error() {
        let body = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue";
        assert!(parse("b", &Bytes::from(body)).is_err());
    }
}
