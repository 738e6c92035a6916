use super::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};

const GENERATE: &str = include_str!("../../../../tests/fixtures/tools/ollama-generate.json");
const SHOW: &str = include_str!("../../../../tests/fixtures/tools/ollama-show.json");

#[test]
fn counters_come_from_ollamas_own_durations() {
    let c = parse_generate(GENERATE).unwrap();
    // 290 tokens in 4.709213 s; 26 prompt tokens in 0.325953 s.
    assert!((c.generation_tok_s - 61.581).abs() < 0.001, "{c:?}");
    assert!((c.prompt_tok_s.unwrap() - 79.766).abs() < 0.001, "{c:?}");
    assert_eq!((c.eval_count, c.prompt_eval_count), (290, Some(26)));
    assert_eq!(parse_quantization(SHOW).as_deref(), Some("Q4_0"));
}

#[test]
fn bad_answers_are_reasons_not_panics() {
    let cases = [
        ("<html>502 Bad Gateway</html>", "not Ollama's"),
        ("", "not Ollama's"),
        (
            r#"{"error":"model 'phi3' not found"}"#,
            "error: model 'phi3' not found",
        ),
        (r#"{"done":true}"#, "no eval_count"),
        (
            r#"{"eval_count":64,"eval_duration":0}"#,
            "64 tokens in 0 ns",
        ),
        (r#"{"eval_count":0,"eval_duration":5}"#, "0 tokens in 5 ns"),
        (r#"{"eval_count":-3,"eval_duration":5}"#, "not Ollama's"),
    ];
    for (body, expected) in cases {
        let reason = parse_generate(body).unwrap_err();
        assert!(reason.contains(expected), "{body}: {reason}");
    }
    // A prompt Ollama did not evaluate (cached) has no prompt speed, but generation counts.
    let cached =
        parse_generate(r#"{"eval_count":64,"eval_duration":2000000000,"prompt_eval_duration":0}"#)
            .unwrap();
    assert_eq!(cached.generation_tok_s, 32.0);
    assert_eq!(cached.prompt_tok_s, None);
    assert_eq!(parse_quantization("{}"), None);
    assert_eq!(parse_quantization("garbage"), None);
}

#[test]
fn a_phi3_model_is_chosen_preferring_mini() {
    let models = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
    let m = models(&[
        "llama3.2:latest",
        "phi3:medium",
        "phi3:3.8b-mini-4k-instruct-q4_0",
    ]);
    assert_eq!(choose_model(&m), Some("phi3:3.8b-mini-4k-instruct-q4_0"));
    assert_eq!(choose_model(&models(&["phi3:medium"])), Some("phi3:medium"));
    assert_eq!(choose_model(&models(&["llama3.2:latest", "aphi3"])), None);
    assert_eq!(choose_model(&[]), None);
}

/// Reads one HTTP request; returns its request line and body.
fn read_request(stream: &TcpStream) -> (String, String) {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    let _ = reader.read_line(&mut request_line);
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    (request_line, String::from_utf8_lossy(&body).into_owned())
}

/// A fake Ollama on loopback: answers `/api/show` and `/api/generate` with these bodies, and
/// sends back each generate request's body on the channel.
fn fake_ollama(
    show: &'static str,
    generate: &'static str,
) -> (String, std::sync::mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(2) {
            let Ok(mut stream) = stream else { return };
            let (line, body) = read_request(&stream);
            let reply = if line.contains("/api/generate") {
                let _ = sender.send(body);
                generate
            } else {
                show
            };
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                reply.len()
            );
        }
    });
    (base, receiver)
}

#[test]
fn measures_through_a_fake_ollama_server() {
    let (base, requests) = fake_ollama(SHOW, GENERATE);
    let models = vec!["phi3:mini".to_owned()];
    let result = run(&base, true, &models, Duration::from_secs(5));
    assert!(result.measured, "{result:?}");
    assert_eq!(result.model.as_deref(), Some("phi3:mini"));
    assert_eq!(result.quantization.as_deref(), Some("Q4_0"));
    assert_eq!(result.generation_tok_s, Some(61.58));
    assert_eq!(result.prompt_tok_s, Some(79.77));
    assert_eq!(result.source, Some(Source::Measured));
    let sent: serde_json::Value = serde_json::from_str(&requests.recv().unwrap()).unwrap();
    assert_eq!(sent["stream"], false);
    assert_eq!(sent["options"]["num_predict"], 64);
    assert_eq!(sent["model"], "phi3:mini");
    assert_eq!(sent["prompt"], PROMPT);
}

#[test]
fn zero_durations_and_garbage_are_recorded_reasons() {
    let (base, _requests) = fake_ollama("not json", r#"{"eval_count":64,"eval_duration":0}"#);
    let result = run(
        &base,
        true,
        &["phi3:mini".to_owned()],
        Duration::from_secs(5),
    );
    assert!(!result.measured);
    assert!(result.reason.unwrap().contains("gives no speed"));
    assert_eq!(result.quantization, None);
    assert_eq!(result.generation_tok_s, None);
}

#[test]
fn a_hung_server_is_bounded_by_the_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    // Accepts connections and never answers.
    std::thread::spawn(move || {
        let held: Vec<_> = listener.incoming().take(2).collect();
        std::thread::sleep(Duration::from_secs(10));
        drop(held);
    });
    let started = std::time::Instant::now();
    let result = run(
        &base,
        true,
        &["phi3:mini".to_owned()],
        Duration::from_millis(500),
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(!result.measured);
    assert!(result.reason.unwrap().contains("/api/generate"));
}

#[test]
fn no_server_or_no_model_is_a_reason() {
    let no_server = run("http://127.0.0.1:9", false, &[], Duration::from_secs(1));
    assert!(no_server.reason.unwrap().contains("did not answer"));
    let no_model = run(
        "http://127.0.0.1:9",
        true,
        &["llama3.2:latest".to_owned()],
        Duration::from_secs(1),
    );
    assert!(no_model.reason.unwrap().contains("no Phi-3 model"));
}
