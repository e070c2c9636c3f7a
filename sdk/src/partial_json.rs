//! Parsing a prefix of a JSON document, for structured output while it streams.
//!
//! Rather than repairing the text and parsing it again (the AI SDK's `fixJson` approach), this is
//! a small recursive-descent parser that accepts exactly the prefixes of valid JSON and builds the
//! value seen so far: an unfinished string keeps its text (minus a cut escape), an unfinished
//! number keeps its longest valid prefix (`12.` is 12, `-` is nothing yet), a cut literal is
//! completed (`tru` is `true`), an object keeps only keys whose value has started, and every
//! value reports whether it is complete. Text that is not a JSON prefix gives `None`.

use serde_json::{Map, Value};

/// The deepest nesting accepted (deeper input gives `None` instead of exhausting the stack).
const MAX_DEPTH: usize = 128;

/// The value a JSON prefix holds so far.
#[derive(Debug, Clone, PartialEq)]
pub struct PartialJson {
    /// The value so far.
    pub value: Value,
    /// Whether the value is finished (its closing quote, bracket or delimiter was seen).
    pub complete: bool,
}

/// The elements of a (possibly wrapped) JSON array seen so far.
#[derive(Debug, Clone, PartialEq)]
pub struct PartialArray {
    /// The elements so far; the last may be unfinished.
    pub elements: Vec<Value>,
    /// How many leading elements are finished.
    pub complete_elements: usize,
    /// Whether the array itself is closed.
    pub complete: bool,
}

/// Parses a prefix of a JSON document. `None` when nothing has started yet (empty or blank
/// text, a lone `-`) or the text is not a prefix of any JSON document.
///
/// ```
/// use specai::{Output, OutputSpec};
///
/// // Crate-internal; callers meet it through the structured outputs' partial values.
/// let partial = Output::json().parse_partial(r#"{"city": "Par"#);
/// assert_eq!(partial, Some(serde_json::json!({"city": "Par"})));
/// assert_eq!(Output::json().parse_partial(r#"{"done": tru"#), Some(serde_json::json!({"done": true})));
/// assert_eq!(Output::json().parse_partial("not json"), None);
/// ```
pub fn parse_partial_json(text: &str) -> Option<PartialJson> {
    let mut parser = Parser::new(text, None);
    let (value, complete) = parser.value(0).ok()??;
    Some(PartialJson { value, complete })
}

/// Parses a prefix of a JSON array, at the top level (`wrapper_key: None`) or under a key of a
/// top-level object (`Some("elements")` for `{"elements": [...]}`), telling which elements are
/// finished. `None` when the array has not started or the text is not a JSON prefix.
///
#[cfg_attr(feature = "schemars", doc = " ```")]
#[cfg_attr(not(feature = "schemars"), doc = " ```ignore")]
/// use specai::{Output, OutputSpec};
///
/// #[derive(Debug, Clone, PartialEq, serde::Deserialize, schemars::JsonSchema)]
/// struct City {
///     name: String,
/// }
///
/// // Crate-internal; callers meet it through `Output::array`, whose partial value holds only the
/// // finished elements (the second one here is still being written).
/// let partial = Output::array::<City>().parse_partial(r#"{"elements": [{"name": "Oslo"}, {"name": "Ber"#);
/// assert_eq!(partial, Some(vec![City { name: "Oslo".into() }]));
/// ```
pub fn parse_partial_array(text: &str, wrapper_key: Option<&str>) -> Option<PartialArray> {
    let mut parser = Parser::new(text, wrapper_key);
    let (value, _) = parser.value(0).ok()??;
    let array = match wrapper_key {
        None => value,
        Some(key) => match value {
            Value::Object(mut object) => object.remove(key)?,
            _ => return None,
        },
    };
    let Value::Array(elements) = array else { return None };
    let (complete_elements, complete) = parser.tracked.unwrap_or((0, false));
    Some(PartialArray { elements, complete_elements, complete })
}

/// Input is not a prefix of valid JSON.
struct Invalid;

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    position: usize,
    /// Track the array at the top level (`Some(None)`) or under this top-level key.
    track: Option<Option<&'a str>>,
    /// Finished elements and closedness of the tracked array.
    tracked: Option<(usize, bool)>,
}

/// A parsed value and whether it is finished; `None` when input ended before it started.
type Parsed = Result<Option<(Value, bool)>, Invalid>;

impl<'a> Parser<'a> {
    fn new(text: &'a str, wrapper_key: Option<&'a str>) -> Self {
        Parser { text, bytes: text.as_bytes(), position: 0, track: Some(wrapper_key), tracked: None }
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.position) {
            self.position += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }

    fn value(&mut self, depth: usize) -> Parsed {
        if depth > MAX_DEPTH {
            return Err(Invalid);
        }
        self.skip_whitespace();
        let Some(byte) = self.peek() else { return Ok(None) };
        match byte {
            b'{' => self.object(depth).map(Some),
            b'[' => {
                let track = depth == 0 && self.track == Some(None);
                self.array(depth, track).map(Some)
            }
            b'"' => self.string().map(|(text, complete)| Some((Value::String(text), complete))),
            b'-' | b'0'..=b'9' => self.number(),
            b't' => self.literal("true", Value::Bool(true)),
            b'f' => self.literal("false", Value::Bool(false)),
            b'n' => self.literal("null", Value::Null),
            _ => Err(Invalid),
        }
    }

    fn object(&mut self, depth: usize) -> Result<(Value, bool), Invalid> {
        self.position += 1; // `{`
        let mut object = Map::new();
        let mut first = true;
        loop {
            self.skip_whitespace();
            match self.peek() {
                None => return Ok((Value::Object(object), false)),
                Some(b'}') => {
                    self.position += 1;
                    return Ok((Value::Object(object), true));
                }
                Some(b',') if !first => {
                    self.position += 1;
                    self.skip_whitespace();
                    match self.peek() {
                        None => return Ok((Value::Object(object), false)),
                        Some(b'"') => {}
                        Some(_) => return Err(Invalid),
                    }
                }
                Some(b'"') if first => {}
                Some(_) => return Err(Invalid),
            }
            first = false;
            let (key, key_complete) = self.string()?;
            if !key_complete {
                return Ok((Value::Object(object), false));
            }
            self.skip_whitespace();
            match self.peek() {
                None => return Ok((Value::Object(object), false)),
                Some(b':') => self.position += 1,
                Some(_) => return Err(Invalid),
            }
            let track = depth == 0 && matches!(self.track, Some(Some(wrapper)) if wrapper == key);
            self.skip_whitespace();
            let parsed = if track && self.peek() == Some(b'[') { self.array(depth + 1, true).map(Some)? } else { self.value(depth + 1)? };
            let Some((value, complete)) = parsed else {
                return Ok((Value::Object(object), false));
            };
            object.insert(key, value);
            if !complete {
                return Ok((Value::Object(object), false));
            }
        }
    }

    fn array(&mut self, depth: usize, track: bool) -> Result<(Value, bool), Invalid> {
        self.position += 1; // `[`
        let mut elements = Vec::new();
        let mut finished = 0;
        let result = loop {
            self.skip_whitespace();
            match self.peek() {
                None => break false,
                Some(b']') => {
                    self.position += 1;
                    break true;
                }
                Some(b',') if !elements.is_empty() => {
                    self.position += 1;
                    self.skip_whitespace();
                    if self.peek() == Some(b']') {
                        return Err(Invalid);
                    }
                }
                Some(_) if elements.is_empty() => {}
                Some(_) => return Err(Invalid),
            }
            match self.value(depth + 1)? {
                None => break false,
                Some((value, complete)) => {
                    elements.push(value);
                    if !complete {
                        break false;
                    }
                    finished += 1;
                }
            }
        };
        if track {
            self.tracked = Some((finished, result));
        }
        Ok((Value::Array(elements), result))
    }

    /// A string starting at the opening quote: its text so far and whether it closed.
    fn string(&mut self) -> Result<(String, bool), Invalid> {
        self.position += 1; // `"`
        let mut text = String::new();
        loop {
            let rest = &self.bytes[self.position..];
            let Some(offset) = memchr::memchr2(b'"', b'\\', rest) else {
                check_no_control(rest)?;
                text.push_str(&self.text[self.position..]);
                self.position = self.bytes.len();
                return Ok((text, false));
            };
            check_no_control(&rest[..offset])?;
            text.push_str(&self.text[self.position..self.position + offset]);
            self.position += offset;
            if rest[offset] == b'"' {
                self.position += 1;
                return Ok((text, true));
            }
            // An escape; a cut one is dropped and ends the input.
            let Some(&escape) = self.bytes.get(self.position + 1) else {
                self.position = self.bytes.len();
                return Ok((text, false));
            };
            self.position += 2;
            let unescaped = match escape {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => match self.unicode_escape()? {
                    Some(character) => character,
                    None => {
                        self.position = self.bytes.len();
                        return Ok((text, false));
                    }
                },
                _ => return Err(Invalid),
            };
            text.push(unescaped);
        }
    }

    /// The character of `\uXXXX` (after `\u`), joining surrogate pairs; `None` when cut.
    fn unicode_escape(&mut self) -> Result<Option<char>, Invalid> {
        let Some(high) = self.hex4()? else { return Ok(None) };
        if !(0xD800..0xDC00).contains(&high) {
            return char::from_u32(u32::from(high)).map(Some).ok_or(Invalid);
        }
        // A high surrogate must be followed by `\u` and a low one.
        match self.bytes.get(self.position..self.position + 2) {
            Some(b"\\u") => self.position += 2,
            Some(_) => return Err(Invalid),
            None if self.bytes[self.position..].iter().all(|&byte| byte == b'\\') => return Ok(None),
            None => return Err(Invalid),
        }
        let Some(low) = self.hex4()? else { return Ok(None) };
        if !(0xDC00..0xE000).contains(&low) {
            return Err(Invalid);
        }
        let code = 0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
        char::from_u32(code).map(Some).ok_or(Invalid)
    }

    fn hex4(&mut self) -> Result<Option<u16>, Invalid> {
        let available = &self.bytes[self.position..self.bytes.len().min(self.position + 4)];
        if !available.iter().all(u8::is_ascii_hexdigit) {
            return Err(Invalid);
        }
        if available.len() < 4 {
            return Ok(None);
        }
        let digits = std::str::from_utf8(available).map_err(|_| Invalid)?;
        self.position += 4;
        u16::from_str_radix(digits, 16).map(Some).map_err(|_| Invalid)
    }

    fn number(&mut self) -> Parsed {
        let start = self.position;
        while let Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') = self.peek() {
            self.position += 1;
        }
        let token = &self.text[start..self.position];
        if self.position < self.bytes.len() {
            // Followed by a delimiter: the number is finished and must be valid as a whole.
            return match serde_json::from_str::<serde_json::Number>(token) {
                Ok(number) if valid_number_grammar(token) => Ok(Some((Value::Number(number), true))),
                _ => Err(Invalid),
            };
        }
        // Cut: the longest prefix that is a number, if the token can still become one.
        if !number_prefix_grammar(token) {
            return Err(Invalid);
        }
        let trimmed = token.trim_end_matches(['.', 'e', 'E', '+', '-']);
        if trimmed.is_empty() || trimmed == "-" {
            return Ok(None);
        }
        let number = serde_json::from_str::<serde_json::Number>(trimmed).map_err(|_| Invalid)?;
        Ok(Some((Value::Number(number), false)))
    }

    fn literal(&mut self, word: &'static str, value: Value) -> Parsed {
        let rest = &self.bytes[self.position..];
        let length = rest.len().min(word.len());
        if rest[..length] != word.as_bytes()[..length] {
            return Err(Invalid);
        }
        self.position += length;
        Ok(Some((value, length == word.len())))
    }
}

fn check_no_control(bytes: &[u8]) -> Result<(), Invalid> {
    if bytes.iter().any(|&byte| byte < 0x20) { Err(Invalid) } else { Ok(()) }
}

/// Whether `token` follows JSON's number grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
fn valid_number_grammar(token: &str) -> bool {
    number_state(token) == Some(true)
}

/// Whether `token` is a prefix of some JSON number.
fn number_prefix_grammar(token: &str) -> bool {
    number_state(token).is_some()
}

/// Runs the number grammar: `None` when `token` is not a prefix of a number, else whether it is
/// a whole number.
fn number_state(token: &str) -> Option<bool> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Start,
        Minus,
        Zero,
        Integer,
        Dot,
        Fraction,
        Exponent,
        ExponentSign,
        ExponentDigits,
    }
    let mut state = State::Start;
    for byte in token.bytes() {
        state = match (state, byte) {
            (State::Start, b'-') => State::Minus,
            (State::Start | State::Minus, b'0') => State::Zero,
            (State::Start | State::Minus, b'1'..=b'9') => State::Integer,
            (State::Integer, b'0'..=b'9') => State::Integer,
            (State::Zero | State::Integer, b'.') => State::Dot,
            (State::Dot | State::Fraction, b'0'..=b'9') => State::Fraction,
            (State::Zero | State::Integer | State::Fraction, b'e' | b'E') => State::Exponent,
            (State::Exponent, b'+' | b'-') => State::ExponentSign,
            (State::Exponent | State::ExponentSign | State::ExponentDigits, b'0'..=b'9') => State::ExponentDigits,
            _ => return None,
        };
    }
    Some(matches!(state, State::Zero | State::Integer | State::Fraction | State::ExponentDigits))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Whether `partial` could be what a prefix of `full` holds.
    fn is_partial_of(partial: &Value, full: &Value) -> bool {
        match (partial, full) {
            (Value::Object(partial), Value::Object(full)) => {
                partial.iter().all(|(key, value)| full.get(key).is_some_and(|full| is_partial_of(value, full)))
            }
            (Value::Array(partial), Value::Array(full)) => {
                partial.len() <= full.len()
                    && partial.iter().zip(full).enumerate().all(|(index, (partial_item, full_item))| {
                        if index + 1 < partial.len() { partial_item == full_item } else { is_partial_of(partial_item, full_item) }
                    })
            }
            (Value::String(partial), Value::String(full)) => full.starts_with(partial.as_str()),
            // A cut number is some prefix of the full one's text; its value can be anything.
            (Value::Number(_), Value::Number(_)) => true,
            (partial, full) => partial == full,
        }
    }

    const DOCUMENTS: &[&str] = &[
        r#"{"name": "Ada \"the\" Countess\\\n\u00e9\ud83d\ude00 \/ ok", "age": 36, "tags": ["a", "b\tc"], "ok": true, "none": null, "no": false}"#,
        r#"[1, -2.5, 3e10, -0.0e-2, 12345678901234567890, {"nested": [[], [{}], [1, [2, [3]]]]}, "日本語 ✓"]"#,
        r#"{"elements": [{"title": "first", "score": 0.5}, {"title": "second", "score": 10}, {"title": "x", "score": -1}]}"#,
        "  {\n  \"a\" : [ true , false , null ] ,\n  \"b\" : { } ,\n  \"c\" : \"\"\n}  ",
        r#""just a string with \"quotes\" and \\ backslashes""#,
        "-12.75e+3",
        "true",
    ];

    #[test]
    fn every_prefix_of_several_documents_parses_consistently() {
        for document in DOCUMENTS {
            let full: Value = serde_json::from_str(document).unwrap();
            let mut previous_complete = false;
            for (end, _) in document.char_indices().chain([(document.len(), ' ')]) {
                let prefix = &document[..end];
                let parsed = parse_partial_json(prefix);
                let significant = prefix.trim();
                match &parsed {
                    None => assert!(
                        significant.is_empty() || significant == "-",
                        "prefix {prefix:?} of {document} gave None"
                    ),
                    Some(partial) => {
                        assert!(is_partial_of(&partial.value, &full), "prefix {prefix:?}: {:?} is not part of {full}", partial.value);
                        if partial.complete {
                            assert_eq!(partial.value, full, "complete too early at {prefix:?}");
                        }
                        assert!(!previous_complete || partial.complete, "completeness went back at {prefix:?}");
                        previous_complete = partial.complete;
                    }
                }
            }
            let whole = parse_partial_json(document).unwrap();
            assert_eq!(whole.value, full);
            // A bare number at the very end cannot know it is finished; anything else can.
            if !document.trim_end().ends_with(|c: char| c.is_ascii_digit()) {
                assert!(whole.complete, "{document}");
            }
        }
    }

    /// A small deterministic generator of JSON values (no dependency on a random crate).
    struct Generator(u64);

    impl Generator {
        fn next(&mut self, below: u64) -> u64 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (self.0 >> 33) % below
        }

        fn string(&mut self) -> String {
            const PIECES: &[&str] = &["a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\u{1}", "é", "日", "🎉", "x y"];
            (0..self.next(6)).map(|_| PIECES[self.next(PIECES.len() as u64) as usize]).collect()
        }

        fn value(&mut self, depth: u32) -> Value {
            let choice = if depth == 0 { 6 + self.next(2) } else { self.next(if depth > 3 { 6 } else { 8 }) };
            match choice {
                0 => Value::Null,
                1 => Value::Bool(self.next(2) == 0),
                2 => json!(self.next(100_000) as i64 - 50_000),
                3 => json!((self.next(2_000_000) as f64 - 1_000_000.0) / 64.0),
                4 | 5 => Value::String(self.string()),
                6 => Value::Array((0..self.next(5)).map(|_| self.value(depth + 1)).collect()),
                _ => Value::Object((0..self.next(5)).map(|_| (self.string(), self.value(depth + 1))).collect()),
            }
        }
    }

    #[test]
    fn every_prefix_of_generated_documents_parses_consistently() {
        let mut generator = Generator(7);
        let mut prefixes = 0;
        for _ in 0..200 {
            let full = generator.value(0);
            for document in [serde_json::to_string(&full).unwrap(), serde_json::to_string_pretty(&full).unwrap()] {
                for (end, _) in document.char_indices().chain([(document.len(), ' ')]) {
                    let prefix = &document[..end];
                    prefixes += 1;
                    match parse_partial_json(prefix) {
                        None => assert!(matches!(prefix.trim(), "" | "-"), "prefix {prefix:?} of {document} gave None"),
                        Some(partial) => {
                            assert!(is_partial_of(&partial.value, &full), "prefix {prefix:?}: {:?} vs {full}", partial.value);
                            if partial.complete {
                                assert_eq!(partial.value, full, "complete too early at {prefix:?}");
                            }
                        }
                    }
                }
                assert_eq!(parse_partial_json(&document).unwrap().value, full);
            }
        }
        assert!(prefixes > 10_000, "the generator made too little: {prefixes} prefixes");
    }

    #[test]
    fn cut_values_show_what_is_known() {
        let cases = [
            (r#"{"a": "hel"#, json!({"a": "hel"})),
            (r#"{"a": "x\"#, json!({"a": "x"})),
            (r#"{"a": "x\u00"#, json!({"a": "x"})),
            (r#"{"a": "\ud83d"#, json!({"a": ""})),
            (r#"{"a": "\ud83d\"#, json!({"a": ""})),
            (r#"{"a": "\ud83d\ude0"#, json!({"a": ""})),
            (r#"{"a": 12."#, json!({"a": 12})),
            (r#"{"a": 1.5e"#, json!({"a": 1.5})),
            (r#"{"a": -"#, json!({})),
            (r#"{"a": tr"#, json!({"a": true})),
            (r#"{"a": n"#, json!({"a": null})),
            (r#"{"a": f"#, json!({"a": false})),
            (r#"{"a": 1, "b"#, json!({"a": 1})),
            (r#"{"a": 1, "b":"#, json!({"a": 1})),
            (r#"{"a": [1, 2, {"c": ["#, json!({"a": [1, 2, {"c": []}]})),
            (r#"[{"a": 1}, {"#, json!([{"a": 1}, {}])),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_partial_json(text).map(|partial| partial.value), Some(expected), "{text}");
        }
    }

    #[test]
    fn rejects_text_that_is_not_a_json_prefix() {
        for text in ["{a", "[1,,", "[1,]", "{\"a\" 1", "01", "1.e5,", "trux", "{\"a\":1,}", "\"\\x\"", "nul l", "<html>"] {
            assert_eq!(parse_partial_json(text), None, "{text}");
        }
        let deep = "[".repeat(MAX_DEPTH + 10);
        assert_eq!(parse_partial_json(&deep), None);
    }

    #[test]
    fn array_elements_complete_in_order_on_every_prefix() {
        let document = DOCUMENTS[2];
        let full: Value = serde_json::from_str(document).unwrap();
        let full_elements = full["elements"].as_array().unwrap();
        let mut finished_so_far = 0;
        for (end, _) in document.char_indices().chain([(document.len(), ' ')]) {
            let Some(array) = parse_partial_array(&document[..end], Some("elements")) else { continue };
            assert!(array.complete_elements >= finished_so_far, "went back at {end}");
            finished_so_far = array.complete_elements;
            assert_eq!(&array.elements[..array.complete_elements], &full_elements[..array.complete_elements]);
        }
        let whole = parse_partial_array(document, Some("elements")).unwrap();
        assert_eq!((whole.complete_elements, whole.complete), (3, true));
        let top = parse_partial_array("[1, 2, 3", None).unwrap();
        assert_eq!((top.elements.len(), top.complete_elements, top.complete), (3, 2, false));
        assert_eq!(parse_partial_array(r#"{"other": [1]}"#, Some("elements")), None);
    }
}
