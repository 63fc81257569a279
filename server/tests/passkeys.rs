//! Passkeys (issue 10): the options the server hands the browser, and everything that
//! must be refused. The whole ceremony, with a real authenticator, runs in Chromium
//! (tests/e2e/passkeys.test.mjs, the DevTools virtual authenticator).

mod common;

use common::{assert_error, spawn, spawn_with, user, Client};
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn options_ceremonies_and_refusals() {
    let server = spawn().await;
    let (mut alice, alice_id) = user(&server, "alice").await;
    let (mut bob, _) = user(&server, "bob").await;
    assert_eq!(alice.get("/auth/passkeys").await.body, json!([]));
    // A passkey signs in alone: adding one needs the password, not just a session.
    assert_error(
        &alice
            .post(
                "/auth/passkeys/register/start",
                json!({"password": "not the password"}),
            )
            .await,
        403,
        "WRONG_PASSWORD",
    );

    // Registration options: this site, the person (by a random handle, not the account
    // id), a discoverable credential preferred, user verification required.
    let r = alice
        .post(
            "/auth/passkeys/register/start",
            json!({"password": "long enough password"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let ceremony = r.body["ceremony"].as_str().unwrap().to_owned();
    assert_eq!(ceremony.len(), 64);
    let o = &r.body["options"]["publicKey"];
    assert_eq!(o["rp"]["id"], "localhost");
    assert_eq!(o["user"]["name"], "alice");
    assert_ne!(o["user"]["id"], json!(alice_id.to_string()));
    assert_eq!(o["authenticatorSelection"]["residentKey"], "preferred");
    assert_eq!(o["authenticatorSelection"]["userVerification"], "required");
    assert!(o["challenge"].as_str().unwrap().len() >= 43, "{o}");
    // The same handle every time.
    let again = alice
        .post(
            "/auth/passkeys/register/start",
            json!({"password": "long enough password"}),
        )
        .await;
    assert_eq!(
        again.body["options"]["publicKey"]["user"]["id"],
        o["user"]["id"]
    );

    // A credential that is not one, someone else's ceremony, an unknown one.
    let finish = |ceremony: &str, credential: serde_json::Value| json!({"ceremony": ceremony, "name": "Laptop", "credential": credential});
    assert_error(
        &alice
            .post(
                "/auth/passkeys/register/finish",
                finish(&ceremony, json!({"id": 1})),
            )
            .await,
        400,
        "INVALID_INPUT",
    );
    let forged = json!({
        "id": "AAAA", "rawId": "AAAA", "type": "public-key",
        "response": {"attestationObject": "AAAA", "clientDataJSON": "AAAA"}
    });
    assert_error(
        &bob.post(
            "/auth/passkeys/register/finish",
            finish(&ceremony, forged.clone()),
        )
        .await,
        400,
        "CEREMONY_EXPIRED",
    );
    assert_error(
        &alice
            .post(
                "/auth/passkeys/register/finish",
                finish(&ceremony, forged.clone()),
            )
            .await,
        400,
        "PASSKEY_REJECTED",
    );
    // Taken once, even by a refused answer.
    assert_error(
        &alice
            .post(
                "/auth/passkeys/register/finish",
                finish(&ceremony, forged.clone()),
            )
            .await,
        400,
        "CEREMONY_EXPIRED",
    );
    assert_error(
        &alice
            .post(
                "/auth/passkeys/register/finish",
                json!({"ceremony": "x", "name": " ", "credential": forged}),
            )
            .await,
        400,
        "INVALID_INPUT",
    );
    assert_eq!(alice.get("/auth/passkeys").await.body, json!([]));

    // Sign-in options name no account; a made-up assertion signs no one in.
    let mut stranger = Client::new(&server);
    let r = stranger
        .post("/auth/passkeys/signin/start", json!({}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let o = &r.body["options"];
    assert!(o.get("mediation").is_none(), "{o}");
    assert_eq!(o["publicKey"]["rpId"], "localhost");
    assert_eq!(o["publicKey"]["allowCredentials"], json!([]));
    let ceremony = r.body["ceremony"].as_str().unwrap().to_owned();
    let assertion = json!({
        "id": "AAAA", "rawId": "AAAA", "type": "public-key",
        "response": {"authenticatorData": "AAAA", "clientDataJSON": "AAAA", "signature": "AAAA",
                     "userHandle": "AAAA"}
    });
    let r = stranger
        .post(
            "/auth/passkeys/signin/finish",
            json!({"ceremony": ceremony, "credential": assertion}),
        )
        .await;
    assert_error(&r, 401, "PASSKEY_REJECTED");
    assert!(stranger.cookie.is_none());
    assert_error(&stranger.get("/auth/me").await, 401, "UNAUTHENTICATED");

    // Someone else's passkey, or none, cannot be renamed or removed.
    for method in ["PATCH", "DELETE"] {
        let body = (method == "PATCH").then(|| json!({"name": "Mine now"}));
        assert_error(
            &bob.send(method, "/auth/passkeys/1", body, &[]).await,
            404,
            "NOT_FOUND",
        );
    }
}

/// Served at an address rather than a domain name, passkeys say why they cannot work.
#[tokio::test(flavor = "multi_thread")]
async fn an_address_origin_has_no_passkeys() {
    let server = spawn_with(|c| c.public_origin = Some("http://127.0.0.1:8080".into())).await;
    let (mut alice, _) = user(&server, "alice").await;
    assert_error(
        &alice
            .post(
                "/auth/passkeys/register/start",
                json!({"password": "long enough password"}),
            )
            .await,
        409,
        "PASSKEYS_UNAVAILABLE",
    );
    assert_error(
        &Client::new(&server)
            .post("/auth/passkeys/signin/start", json!({}))
            .await,
        409,
        "PASSKEYS_UNAVAILABLE",
    );
}

/// A passkey in place of the code: only for a sign-in whose password was right, and only
/// for an account that has one.
#[tokio::test(flavor = "multi_thread")]
async fn a_passkey_as_the_second_factor_needs_the_password_first() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let mut c = Client::new(&server);
    assert_error(
        &c.post(
            "/auth/signin/second-factor/passkey/start",
            json!({"challenge": "0".repeat(64)}),
        )
        .await,
        401,
        "SIGNIN_EXPIRED",
    );
    // Two-factor sign-in on, no passkey: the password step says so, and the passkey way
    // is refused.
    let secret = alice
        .post(
            "/auth/totp/setup",
            json!({"password": "long enough password"}),
        )
        .await
        .body["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let bytes = totp_rs::Secret::Encoded(secret).to_bytes().unwrap();
    let app = totp_rs::TOTP::new_unchecked(
        totp_rs::Algorithm::SHA1,
        6,
        0,
        30,
        bytes,
        None,
        String::new(),
    );
    let r = alice
        .post(
            "/auth/totp/confirm",
            json!({"code": app.generate_current().unwrap()}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = c
        .post(
            "/auth/signin",
            json!({"login": "alice", "password": "long enough password"}),
        )
        .await;
    assert_eq!(r.status, 202, "{:?}", r.body);
    assert_eq!(r.body["passkey"], false);
    let challenge = r.body["challenge"].as_str().unwrap();
    assert_error(
        &c.post(
            "/auth/signin/second-factor/passkey/start",
            json!({"challenge": challenge}),
        )
        .await,
        409,
        "NO_PASSKEY",
    );
    assert_error(&c.get("/auth/me").await, 401, "UNAUTHENTICATED");
}
