use futures::StreamExt;

use super::*;

/// Parses `input` delivered as the given chunks.
fn parse_chunks(chunks: &[&[u8]]) -> Vec<Result<SseEvent>> {
    let owned: Vec<std::result::Result<Bytes, std::io::Error>> =
        chunks.iter().map(|chunk| Ok(Bytes::copy_from_slice(chunk))).collect();
    futures::executor::block_on(SseStream::new(futures::stream::iter(owned)).collect())
}

fn simple(events: &[Result<SseEvent>]) -> Vec<(Option<String>, String)> {
    events
        .iter()
        .map(|event| {
            let event = event.as_ref().expect("no error");
            (event.event.as_ref().map(ToString::to_string), event.text().unwrap().to_owned())
        })
        .collect()
}

/// Every way of cutting `input` into two or three chunks gives the same events.
fn assert_every_split(input: &[u8], expected: &[(Option<&str>, &str)]) {
    let expected: Vec<(Option<String>, String)> =
        expected.iter().map(|(name, data)| (name.map(str::to_owned), (*data).to_owned())).collect();
    assert_eq!(simple(&parse_chunks(&[input])), expected, "whole input");
    for first in 0..=input.len() {
        let got = simple(&parse_chunks(&[&input[..first], &input[first..]]));
        assert_eq!(got, expected, "split at {first}");
        for second in first..=input.len() {
            let got = simple(&parse_chunks(&[&input[..first], &input[first..second], &input[second..]]));
            assert_eq!(got, expected, "split at {first} and {second}");
        }
    }
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    assert_eq!(simple(&parse_chunks(&bytes)), expected, "byte by byte");
}

#[test]
fn reads_openai_style_events_and_done() {
    assert_every_split(
        b"data: {\"a\":1}\n\ndata: {\"b\":\"x\"}\n\ndata: [DONE]\n\n",
        &[(None, "{\"a\":1}"), (None, "{\"b\":\"x\"}"), (None, "[DONE]")],
    );
}

#[test]
fn reads_named_events_comments_and_pings() {
    assert_every_split(
        b": keep-alive\n\nevent: message_start\ndata: {\"type\":\"message_start\"}\n\n:ping\nevent: ping\ndata: {}\n\n",
        &[(Some("message_start"), "{\"type\":\"message_start\"}"), (Some("ping"), "{}")],
    );
}

#[test]
fn accepts_crlf_and_lone_cr_line_ends() {
    assert_every_split(
        b"event: a\r\ndata: 1\r\n\r\ndata: 2\r\rdata: 3\n\r\ndata:4\r\n\n",
        &[(Some("a"), "1"), (None, "2"), (None, "3"), (None, "4")],
    );
}

#[test]
fn joins_multi_line_data() {
    assert_every_split(
        b"data: first\ndata:second\ndata:  third\ndata\n\n",
        &[(None, "first\nsecond\n third\n")],
    );
}

#[test]
fn keeps_utf8_split_across_chunks() {
    assert_every_split("data: héllo → 世界 🎉\n\n".as_bytes(), &[(None, "héllo → 世界 🎉")]);
}

#[test]
fn drops_bom_and_ignores_unknown_fields_and_events_without_data() {
    assert_every_split(
        b"\xEF\xBB\xBFdata: x\nfoo: bar\nid: 7\nretry: 10\n\nevent: lonely\n\ndata: y\n\n",
        &[(None, "x"), (None, "y")],
    );
    let events = parse_chunks(&[b"id: 7\nretry: 10\ndata: x\n\n"]);
    let event = events[0].as_ref().unwrap();
    assert_eq!(event.id.as_ref().unwrap(), "7");
    assert_eq!(event.retry, Some(10));
}

#[test]
fn dispatches_last_event_without_blank_line_at_end_of_input() {
    assert_every_split(b"data: 1\n\ndata: [DONE]\n", &[(None, "1"), (None, "[DONE]")]);
    assert_every_split(b"data: 1\n\ndata: [DONE]", &[(None, "1"), (None, "[DONE]")]);
}

#[test]
fn empty_data_line_gives_an_empty_event() {
    assert_every_split(b"data:\n\n", &[(None, "")]);
}

#[test]
fn invalid_utf8_is_an_invalid_response_with_raw_text() {
    let events = parse_chunks(&[b"data: \xff\xfe\n\nevent: \xff\ndata: x\n\ndata: later\n\n"]);
    match events[0].as_ref().unwrap().text() {
        Err(Error::InvalidResponse { raw: Some(raw), .. }) => assert!(raw.contains('\u{fffd}')),
        other => panic!("{other:?}"),
    }
    assert!(matches!(&events[1], Err(Error::InvalidResponse { .. })), "{:?}", events[1]);
    assert_eq!(events.len(), 3, "the event after a bad name is still read");
    assert_eq!(events[2].as_ref().unwrap().data, "later".as_bytes());
}

/// Parses `chunks` with a limit of `limit` bytes per line or event.
fn parse_limited(chunks: &[&'static [u8]], limit: usize) -> Vec<Result<SseEvent>> {
    let owned: Vec<std::result::Result<Bytes, std::io::Error>> = chunks.iter().map(|chunk| Ok(Bytes::from_static(chunk))).collect();
    futures::executor::block_on(SseStream::new(futures::stream::iter(owned)).with_max_event_bytes(limit).collect())
}

#[test]
fn a_line_with_no_end_stops_at_the_limit_with_a_typed_error() {
    let events = parse_limited(&[b"data: ok\n\ndata: 0123", b"456789", b"abcdef", b"never read\n\n"], 12);
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0].as_ref().unwrap().data, "ok".as_bytes());
    assert!(matches!(&events[1], Err(Error::ResponseTooLarge { limit: 12, .. })), "{:?}", events[1]);
    // Many data lines that never end their event are bounded too.
    let events = parse_limited(&[b"data: 01234\ndata: 56789\ndata: abcde\n"], 12);
    assert!(matches!(&events[..], [Err(Error::ResponseTooLarge { .. })]), "{events:?}");
    // Under the limit, a line split across chunks is read as usual.
    let events = parse_limited(&[b"data: 01", b"2345\n\n"], 12);
    assert_eq!(events[0].as_ref().unwrap().data, "012345".as_bytes());
}

#[test]
fn a_long_line_fails_alike_whole_or_in_pieces() {
    // Regression (fuzz/artifacts/sse_splitter): an unknown-field line and a data line just
    // over the limit, in one chunk and cut in two.
    for line in ["x".repeat(100), format!("data: {}", "y".repeat(97))] {
        let text: &'static str = Box::leak(format!("data: a\n\n{line}\n\n").into_boxed_str());
        let whole = parse_limited(&[text.as_bytes()], 96);
        let (head, tail) = text.split_at(20);
        let cut = parse_limited(&[head.as_bytes(), tail.as_bytes()], 96);
        let simple = |events: &[Result<SseEvent>]| events.iter().map(|event| event.as_ref().map(|event| event.data.clone()).map_err(|error| format!("{error:?}"))).collect::<Vec<_>>();
        assert_eq!(simple(&whole), simple(&cut), "{line}");
        assert!(matches!(whole.last(), Some(Err(Error::ResponseTooLarge { .. }))), "{whole:?}");
    }
}

#[test]
fn transport_error_becomes_connection_error_and_ends() {
    let chunks: Vec<std::result::Result<Bytes, std::io::Error>> = vec![
        Ok(Bytes::from_static(b"data: 1\n\ndata: par")),
        Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset")),
        Ok(Bytes::from_static(b"tial\n\n")),
    ];
    let events: Vec<_> =
        futures::executor::block_on(SseStream::with_url(futures::stream::iter(chunks), "http://x/y").collect());
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].as_ref().unwrap().data, "1".as_bytes());
    match &events[1] {
        Err(Error::Connection { url, source: Some(_), .. }) => assert_eq!(url, "http://x/y"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn single_line_data_shares_the_chunk() {
    let chunk = Bytes::from_static(b"data: shared\n\n");
    let start = chunk.as_ptr() as usize;
    let mut parser = Parser::new();
    let mut position = 0;
    let event = parser.next_event(&chunk, &mut position).unwrap().unwrap();
    let data_start = event.data.as_ptr() as usize;
    assert_eq!(data_start, start + 6, "data is a slice of the chunk, not a copy");
}

#[test]
fn large_input_in_big_chunks_is_read_linearly() {
    // 20,000 events in 64 KiB chunks: a quadratic reader takes seconds here, this one ms.
    let mut input = Vec::new();
    for index in 0..20_000 {
        input.extend_from_slice(format!("data: {{\"i\":{index},\"t\":\"abcd\"}}\n\n").as_bytes());
    }
    let chunks: Vec<&[u8]> = input.chunks(64 * 1024).collect();
    let started = std::time::Instant::now();
    let events = parse_chunks(&chunks);
    assert_eq!(events.len(), 20_000);
    assert!(events.iter().all(Result::is_ok));
    assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
}

#[test]
fn the_single_line_path_gives_the_events_the_line_reader_gives() {
    // Read whole, most events take the single-line path; byte by byte, none can. Every field
    // must match, a `data:` without a space, an empty one and events after other fields included.
    let input: &[u8] =
        b"data: a\n\ndata:b\n\ndata:\n\nid: 7\ndata: c\n\ndata: d\n\nretry: 30\ndata: e\n\nevent: x\ndata: f\n\ndata: g\r\n\r\ndata: h\n\n";
    let whole: Vec<SseEvent> = parse_chunks(&[input]).into_iter().map(|event| event.expect("no error")).collect();
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    let byte_by_byte: Vec<SseEvent> = parse_chunks(&bytes).into_iter().map(|event| event.expect("no error")).collect();
    assert_eq!(whole, byte_by_byte);
    let data: Vec<&[u8]> = whole.iter().map(|event| event.data.as_ref()).collect();
    assert_eq!(data, [&b"a"[..], b"b", b"", b"c", b"d", b"e", b"f", b"g", b"h"]);
    assert_eq!(whole[3].id.as_deref(), Some("7"));
    assert_eq!(whole[4].id, None, "an id belongs to its own event");
    assert_eq!(whole[5].retry, Some(30));
    assert_eq!(whole[6].event_name(), Some("x"));
}

#[test]
fn a_read_chunk_is_let_go_before_the_next_is_asked_for() {
    // The source reads into one buffer and hands out the read part, as hyper does with its read
    // buffer: the buffer's memory is reused for the next read only when no earlier chunk is
    // still held. Held, every read of a large stream maps fresh memory (page faults per chunk).
    // Each chunk fills most of the buffer, so each read needs the memory of the one before.
    // The second chunk ends inside a line, the third between an event's lines.
    let chunks = ["data: one\n\ndata: two\n\n", "data: three\n\ndata: fo", "ur\n\nevent: x\ndata: five\n", "\ndata: six six six six\n\n"];
    let reused = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut buffer = BytesMut::with_capacity(40);
    let start = buffer.as_ptr() as usize;
    let reads = reused.clone();
    let source = futures::stream::iter(chunks).map(move |text| {
        buffer.reserve(text.len());
        reads.lock().unwrap().push((start..start + 40).contains(&(buffer.as_ptr() as usize)));
        buffer.extend_from_slice(text.as_bytes());
        Ok::<_, std::io::Error>(buffer.split().freeze())
    });
    let mut events = SseStream::new(source);
    let mut texts = Vec::new();
    while let Some(event) = futures::executor::block_on(events.next()) {
        let event = event.unwrap();
        texts.push(format!("{}{}", event.event_name().map(|name| format!("{name}:")).unwrap_or_default(), event.text().unwrap()));
    }
    assert_eq!(texts, ["one", "two", "three", "four", "x:five", "six six six six"]);
    assert_eq!(*reused.lock().unwrap(), [true; 4], "each read reused the buffer");
}
