//! Serving the built app: CSP with the inline script's hash, SPA fallback,
//! caching, security headers and CORS.

use reqwest::{Method, StatusCode};
use sha2::{Digest, Sha256};
use users_server::AppConfig;

use crate::common::{send, TestServer};

const BOOTSTRAP: &str =
    "\nimport init, * as bindings from '/users-console-0123456789abcdef.js';\nawait init();\n";

async fn server_with_site() -> TestServer {
    TestServer::start_with(|dir| {
        let dist = dir.join("dist");
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(
            dist.join("index.html"),
            format!(
                "<!DOCTYPE html><html><head><link rel=\"modulepreload\" href=\"/users-console-0123456789abcdef.js\">\
                 <script type=\"module\">{BOOTSTRAP}</script></head><body></body></html>"
            ),
        )
        .unwrap();
        std::fs::write(dist.join("users-console-0123456789abcdef.js"), "export default function init() {}").unwrap();
        std::fs::write(dist.join("config.json"), "{\"api_base\": \"\"}").unwrap();
        // The release build's compressed copies (contents stand in for them).
        std::fs::write(dist.join("app-0123456789abcdef.css"), "body{}").unwrap();
        std::fs::write(dist.join("app-0123456789abcdef.css.br"), "brotli copy").unwrap();
        std::fs::write(dist.join("app-0123456789abcdef.css.gz"), "gzip copy").unwrap();
        AppConfig {
            static_dir: Some(dist),
            cors_origins: vec!["https://console.example".into()],
            ..AppConfig::default()
        }
    })
    .await
}

fn expected_hash() -> String {
    let digest = Sha256::digest(BOOTSTRAP.as_bytes());
    let mut b64 = String::new();
    // Tiny base64 (standard alphabet, padded) to avoid trusting the server's.
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for chunk in digest.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            b64.push(if i <= chunk.len() {
                A[((n >> (18 - 6 * i)) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    format!("'sha256-{b64}'")
}

#[tokio::test]
async fn index_carries_a_csp_with_the_inline_script_hash_and_app_routes_fall_back() {
    let s = server_with_site().await;
    for path in [
        "/",
        "/index.html",
        "/sign-in",
        "/users",
        "/users/new",
        "/users/5/edit",
    ] {
        let response = s.client.get(s.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let headers = response.headers().clone();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains(&format!(
                "script-src 'self' 'wasm-unsafe-eval' {}",
                expected_hash()
            )),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(csp.contains("object-src 'none'"));
        assert!(csp.contains("connect-src 'self' https://console.example"));
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(headers["cache-control"], "no-cache");
        assert!(headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert!(response.text().await.unwrap().contains(BOOTSTRAP));
    }
    let response = s
        .client
        .get(s.url("/users-console-0123456789abcdef.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));
    let response = s.client.get(s.url("/config.json")).send().await.unwrap();
    assert_eq!(response.headers()["cache-control"], "no-cache");
    let response = s
        .client
        .get(s.url("/missing-0123456789abcdef.wasm"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    // API paths never fall back to the app.
    let (status, body) = s.get("/api/v1/unknown", &s.admin.token).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
    let (status, body) = send(s.client.get(s.url("/api/whatever"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
}

#[tokio::test]
async fn compressed_copies_are_sent_to_browsers_that_accept_them() {
    let s = server_with_site().await;
    let css = s.url("/app-0123456789abcdef.css");
    for (accept, encoding, body) in [
        ("gzip, deflate, br, zstd", Some("br"), "brotli copy"),
        ("gzip", Some("gzip"), "gzip copy"),
        ("identity", None, "body{}"),
    ] {
        let response = s
            .client
            .get(&css)
            .header("accept-encoding", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{accept}");
        let headers = response.headers().clone();
        assert_eq!(
            headers.get("content-encoding").map(|v| v.to_str().unwrap()),
            encoding,
            "{accept}"
        );
        assert_eq!(headers["vary"], "accept-encoding", "{accept}");
        assert!(headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css"));
        assert!(headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable"));
        assert!(headers.contains_key("content-security-policy"));
        assert_eq!(response.text().await.unwrap(), body, "{accept}");
    }
    // A file without copies is compressed on the fly, index.html included.
    for path in ["/users-console-0123456789abcdef.js", "/"] {
        let response = s
            .client
            .get(s.url(path))
            .header("accept-encoding", "br")
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["content-encoding"], "br", "{path}");
    }
}

#[tokio::test]
async fn security_headers_everywhere_and_cors_only_for_listed_origins() {
    let s = server_with_site().await;
    for path in [
        "/healthz",
        "/api/v1/users",
        "/api/v1/me",
        "/",
        "/api/v1/openapi.json",
    ] {
        let response = s.client.get(s.url(path)).send().await.unwrap();
        assert_eq!(
            response.headers()["x-content-type-options"],
            "nosniff",
            "{path}"
        );
        assert_eq!(
            response.headers()["referrer-policy"],
            "no-referrer",
            "{path}"
        );
    }
    let preflight = |origin: &'static str| {
        s.client
            .request(Method::OPTIONS, s.url("/api/v1/users"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "PATCH")
            .header(
                "Access-Control-Request-Headers",
                "access-token, if-match, content-type",
            )
            .send()
    };
    let allowed = preflight("https://console.example").await.unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://console.example"
    );
    let denied = preflight("https://evil.example").await.unwrap();
    assert!(denied
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    let response = s
        .req(Method::GET, "/api/v1/users", &s.admin.token)
        .header("Origin", "https://console.example")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "https://console.example"
    );
    assert!(response.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_lowercase()
        .contains("etag"));
}

#[tokio::test]
async fn without_a_static_dir_unknown_paths_are_json_404s() {
    let s = TestServer::start().await;
    let (status, body) = send(s.client.get(s.url("/users"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
}
