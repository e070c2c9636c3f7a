use super::*;

#[test]
fn decode_json_borrows_strings_and_reports_invalid_utf8() {
    #[derive(serde::Deserialize)]
    struct Text<'a> {
        #[serde(borrow)]
        text: std::borrow::Cow<'a, str>,
    }
    let decoded: Text<'_> = decode_json(br#"{"text":"caf\u00e9 ok","x":1}"#).unwrap();
    assert_eq!(decoded.text, "caf\u{e9} ok");
    let decoded: Text<'_> = decode_json("{\"text\":\"plain\"}".as_bytes()).unwrap();
    assert!(matches!(decoded.text, std::borrow::Cow::Borrowed("plain")));
    let error = decode_json::<Text<'_>>(b"{\"text\":\"\xff\"}").err().unwrap();
    assert!(error.to_string().contains("invalid UTF-8 at byte 9"), "{error}");
    // In a member the type ignores as well: the body is not JSON text.
    let error = decode_json::<Text<'_>>(b"{\"text\":\"ok\",\"x\":\"\xff\"}").err().unwrap();
    assert!(error.to_string().contains("invalid UTF-8 at byte 18"), "{error}");
}

/// The server's `x-should-retry` decides over the status, both ways; other values are ignored.
/// The lean types' strings are unescaped by specai (without serde_json's scratch buffer):
/// the same text as serde_json's, borrowed when there is no escape, and the same errors.
#[cfg(feature = "openai-compatible")]
#[test]
fn lean_strings_unescape_as_serde_json_does() {
    use specai_generated::lean_strings::with_exact_strings;
    use specai_generated::openai_compatible::lean::CowStr;
    let strings = [r#""plain""#, r#""""#, r#""a\nb\t\"q\" \\ \/ \b\f\r""#, r#""\u00e9\u4E2D\ud83d\ude00 é \u0000""#, r#""\\u0041""#];
    for text in strings {
        let ours: CowStr = with_exact_strings(|| serde_json::from_str(text)).unwrap();
        let theirs: String = serde_json::from_str(text).unwrap();
        assert_eq!(&*ours, theirs, "{text}");
        assert_eq!(matches!(ours.0, std::borrow::Cow::Borrowed(_)), !text.contains('\\'), "{text}");
    }
    let invalid = [r#""\ud83d""#, r#""\ude00""#, r#""\ud83dx""#, r#""\ud83d\u0041""#, r#""\x""#, "\"a\u{1}\"", r#""open"#];
    let not_strings = ["5", "-1", "1.5", "null", "true", "false", "[1]", "{}"];
    for text in invalid.iter().chain(&not_strings) {
        let ours = with_exact_strings(|| serde_json::from_str::<CowStr>(text)).unwrap_err().to_string();
        let theirs = serde_json::from_str::<String>(text).unwrap_err().to_string();
        if not_strings.contains(text) {
            let message = |error: &str| error.split(" at line").next().unwrap_or_default().to_owned();
            assert_eq!(message(&ours), message(&theirs), "{text}");
        }
    }
    // Inside a structure, as the decoders read them; the switch is off again afterwards.
    let message: specai_generated::openai_compatible::lean::ChatCompletionResponseMessage<'_> =
        with_exact_strings(|| serde_json::from_str(r#"{"role":"assistant","content":"line\nnext \u00e9"}"#)).unwrap();
    assert_eq!(message.content.as_deref(), Some("line\nnext é"));
    assert!(!specai_generated::lean_strings::exact());
    // A large body takes this path in `decode_json`, a small one serde_json's.
    let large = format!(r#"{{"role":"assistant","content":"{}"}}"#, "ab\\n".repeat(EXACT_STRINGS_FROM / 4));
    let message: specai_generated::openai_compatible::lean::ChatCompletionResponseMessage<'_> = decode_json(large.as_bytes()).unwrap();
    assert_eq!(message.content.as_deref().map(str::len), Some(EXACT_STRINGS_FROM / 4 * 3));
}

#[test]
fn x_should_retry_overrides_the_status_rules() {
    let parser = JsonErrorParser::new();
    let with = |status: u16, value: Option<&'static str>| {
        let mut headers = HeaderMap::new();
        if let Some(value) = value {
            headers.insert("x-should-retry", http::HeaderValue::from_static(value));
        }
        api_call_error(status, "http://x".into(), headers, None, &parser).is_retryable
    };
    assert!(with(400, Some("true")));
    assert!(!with(503, Some("false")));
    assert!(with(503, None) && !with(400, None));
    assert!(with(503, Some("maybe")), "an unknown value leaves the status rules");
}

/// Regression: a refused connection said only "error sending request"; the cause is named.
#[tokio::test]
async fn connection_errors_name_their_cause() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1/x", listener.local_addr().unwrap());
    drop(listener);
    let error = reqwest::Client::new().post(&url).send().await.unwrap_err();
    let error = transport_error(&url, error);
    let text = error.to_string();
    assert!(matches!(error, Error::Connection { .. }), "{error:?}");
    assert!(text.to_lowercase().contains("refused"), "{text}");
}

#[test]
fn https_without_a_tls_backend_says_which_feature_to_enable() {
    assert!(tls_hint("https://api.openai.com/v1", false).unwrap().contains("`rustls`"));
    assert_eq!(tls_hint("https://api.openai.com/v1", true), None);
    assert_eq!(tls_hint("http://127.0.0.1:8080/v1", false), None);
}

#[test]
fn reads_the_common_error_shapes() {
    let parser = JsonErrorParser::new();
    let openai = r#"{"error":{"message":"Bad temp","type":"invalid_request_error","param":"temperature","code":null}}"#;
    assert_eq!(
        parser.parse(openai),
        Some(ErrorBody::new("Bad temp").with_details(Some("invalid_request_error".into()), None, Some("temperature".into())))
    );
    let anthropic = r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
    assert_eq!(parser.parse(anthropic).unwrap().error_type.as_deref(), Some("overloaded_error"));
    let google = r#"{"error":{"code":400,"message":"Invalid","status":"INVALID_ARGUMENT"}}"#;
    let google = parser.parse(google).unwrap();
    assert_eq!((google.code.as_deref(), google.error_type.as_deref()), (Some("400"), Some("INVALID_ARGUMENT")));
    assert_eq!(parser.parse(r#"{"error":"model not found"}"#), Some(ErrorBody::new("model not found")));
    assert_eq!(parser.parse(r#"{"message":"top","code":"c"}"#).unwrap().code.as_deref(), Some("c"));
    assert_eq!(parser.parse(r#"{"detail":"nope"}"#).unwrap().message, "nope");
    assert_eq!(parser.parse("<html>bad gateway</html>"), None);
}

#[test]
fn api_call_error_falls_back_to_raw_text_and_marks_retryable() {
    let error = api_call_error(502, "u".into(), HeaderMap::new(), Some("<html>bad gateway</html>".into()), &JsonErrorParser::new());
    assert_eq!(error.message, "<html>bad gateway</html>");
    assert!(error.is_retryable);
    let error = api_call_error(400, "u".into(), HeaderMap::new(), None, &JsonErrorParser::new());
    assert_eq!(error.message, "Bad Request");
    assert!(!error.is_retryable);
    let overloaded = JsonErrorParser::new().retry_also(&[499]);
    assert!(api_call_error(499, "u".into(), HeaderMap::new(), None, &overloaded).is_retryable);
    let custom = |body: &str| Some(ErrorBody::new(format!("custom: {body}")));
    assert_eq!(api_call_error(401, "u".into(), HeaderMap::new(), Some("x".into()), &custom).message, "custom: x");
}
