//! Two-factor sign-in with TOTP (issue 10): setup and confirmation, sign-in with a code
//! or a recovery code, codes good once, wrong codes limited, new recovery codes and
//! turning it off with the password; the database holds the secret sealed and the
//! recovery codes hashed.

mod common;

use common::{assert_error, spawn, user, Client, Server};
use serde_json::{json, Value};
use totp_rs::{Algorithm, Secret, TOTP};

const PASSWORD: &str = "long enough password";

/// An authenticator app holding `secret` (base32).
fn app(secret: &str) -> TOTP {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().unwrap();
    TOTP::new_unchecked(Algorithm::SHA1, 6, 0, 30, bytes, None, String::new())
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Signs `name` in with the password; the 202 answer's challenge.
async fn password_step(server: &Server, name: &str) -> (Client, String) {
    let mut c = Client::new(server);
    let r = c
        .post("/auth/signin", json!({"login": name, "password": PASSWORD}))
        .await;
    assert_eq!(r.status, 202, "{:?}", r.body);
    assert!(c.cookie.is_none(), "no session before the code");
    let challenge = r.body["challenge"].as_str().unwrap().to_owned();
    assert_eq!(challenge.len(), 64);
    (c, challenge)
}

async fn code_step(c: &mut Client, challenge: &str, code: &str) -> common::Reply {
    c.post(
        "/auth/signin/second-factor",
        json!({"challenge": challenge, "code": code}),
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn two_factor_sign_in_from_setup_to_off() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let status = alice.get("/auth/totp").await.body;
    assert_eq!(status, json!({"enabled": false, "recovery_codes_left": 0}));
    assert_error(
        &alice
            .post("/auth/totp/confirm", json!({"code": "123456"}))
            .await,
        409,
        "TOTP_NOT_STARTED",
    );

    // Setup needs the password (a stolen session alone cannot bind the account to
    // someone else's app), then gives a secret and its otpauth:// URI; sign-in does not
    // ask for codes yet.
    assert_error(
        &alice
            .post("/auth/totp/setup", json!({"password": "not the password"}))
            .await,
        403,
        "WRONG_PASSWORD",
    );
    let r = alice
        .post("/auth/totp/setup", json!({"password": PASSWORD}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let secret = r.body["secret"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 32);
    let uri = r.body["uri"].as_str().unwrap();
    assert!(
        uri.starts_with(&format!("otpauth://totp/Huddle:alice?secret={secret}")),
        "{uri}"
    );
    assert!(uri.contains("issuer=Huddle"), "{uri}");
    let mut c = Client::new(&server);
    let r = c
        .post(
            "/auth/signin",
            json!({"login": "alice", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status, 200, "not in force before a first code");
    let app = app(&secret);

    // A code of another time does not confirm it; the current one does, once.
    let t = now();
    assert_error(
        &alice
            .post(
                "/auth/totp/confirm",
                json!({"code": app.generate(t + 3600)}),
            )
            .await,
        403,
        "WRONG_CODE",
    );
    let first = app.generate(t);
    let r = alice
        .post("/auth/totp/confirm", json!({"code": first}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let codes: Vec<String> = serde_json::from_value(r.body["codes"].clone()).unwrap();
    assert_eq!(codes.len(), 10);
    assert!(codes
        .iter()
        .all(|c| c.len() == 19 && c.matches('-').count() == 3));
    let distinct: std::collections::BTreeSet<_> = codes.iter().collect();
    assert_eq!(distinct.len(), 10);
    assert_error(
        &alice
            .post("/auth/totp/setup", json!({"password": PASSWORD}))
            .await,
        409,
        "TOTP_ENABLED",
    );
    assert_eq!(
        alice.get("/auth/totp").await.body,
        json!({"enabled": true, "recovery_codes_left": 10})
    );

    // At rest: the secret sealed, the recovery codes as 32-byte keyed hashes.
    let (stored,): (String,) = server
        .db
        .read()
        .await
        .unwrap()
        .one("SELECT secret FROM totp", vec![])
        .await
        .unwrap();
    assert!(!stored.contains(&secret), "the secret is sealed");
    assert_eq!(
        server
            .count("SELECT count(*) FROM recovery_codes WHERE length(code_hash) = 32")
            .await,
        10
    );

    // Sign-in: the password gives a challenge, not a session; the code used to confirm
    // is spent; the next one signs in, once.
    let (mut c, challenge) = password_step(&server, "alice").await;
    assert_error(&c.get("/auth/me").await, 401, "UNAUTHENTICATED");
    assert_error(
        &code_step(&mut c, &challenge, &first).await,
        401,
        "WRONG_CODE",
    );
    let next = app.generate(t + 30);
    let r = code_step(&mut c, &challenge, &next).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["username"], "alice");
    assert!(
        c.device.is_some(),
        "the device cookie, as after any sign-in"
    );
    assert_eq!(c.get("/auth/me").await.status, 200);
    assert_error(
        &code_step(&mut c, &challenge, &next).await,
        401,
        "SIGNIN_EXPIRED",
    );
    let (mut d, challenge) = password_step(&server, "alice").await;
    assert_error(
        &code_step(&mut d, &challenge, &next).await,
        401,
        "WRONG_CODE",
    );

    // A recovery code, typed loosely, signs in once.
    let loose = codes[3].to_uppercase().replace('-', " ");
    let r = code_step(&mut d, &challenge, &loose).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let (mut e, challenge) = password_step(&server, "alice").await;
    assert_error(
        &code_step(&mut e, &challenge, &codes[3]).await,
        401,
        "WRONG_CODE",
    );
    assert_eq!(alice.get("/auth/totp").await.body["recovery_codes_left"], 9);

    // New recovery codes need the password; the old ones stop working.
    assert_error(
        &alice
            .post(
                "/auth/totp/recovery-codes",
                json!({"password": "not the password"}),
            )
            .await,
        403,
        "WRONG_PASSWORD",
    );
    let r = alice
        .post("/auth/totp/recovery-codes", json!({"password": PASSWORD}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let renewed: Vec<String> = serde_json::from_value(r.body["codes"].clone()).unwrap();
    assert_error(
        &code_step(&mut e, &challenge, &codes[4]).await,
        401,
        "WRONG_CODE",
    );
    let r = code_step(&mut e, &challenge, &renewed[0]).await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    // Five wrong codes end a sign-in (the password is due again); then codes wait.
    let (mut f, challenge) = password_step(&server, "alice").await;
    for _ in 0..4 {
        assert_error(
            &code_step(&mut f, &challenge, &app.generate(t + 7200)).await,
            401,
            "WRONG_CODE",
        );
    }
    assert_error(
        &code_step(&mut f, &challenge, &app.generate(t + 7200)).await,
        401,
        "SIGNIN_EXPIRED",
    );
    let (mut g, challenge) = password_step(&server, "alice").await;
    let r = code_step(&mut g, &challenge, &app.generate(now())).await;
    assert_error(&r, 429, "RATE_LIMITED");
    assert!(r.headers.get("retry-after").is_some());

    // Off, with the password: sign-in is the password alone again.
    assert_error(
        &alice
            .post(
                "/auth/totp/disable",
                json!({"password": "not the password"}),
            )
            .await,
        403,
        "WRONG_PASSWORD",
    );
    assert_eq!(
        alice
            .post("/auth/totp/disable", json!({"password": PASSWORD}))
            .await
            .status,
        204
    );
    assert_eq!(
        alice.get("/auth/totp").await.body,
        json!({"enabled": false, "recovery_codes_left": 0})
    );
    let r = Client::new(&server)
        .post(
            "/auth/signin",
            json!({"login": "alice", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // A sign-in that was waiting for its code when it was turned off is over.
    assert_error(
        &code_step(&mut g, &challenge, &app.generate(now())).await,
        401,
        "SIGNIN_EXPIRED",
    );
}

/// A wrong password never reaches the code step, and challenges are not guessable.
#[tokio::test(flavor = "multi_thread")]
async fn no_code_step_without_the_password() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let secret = alice
        .post("/auth/totp/setup", json!({"password": PASSWORD}))
        .await
        .body["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = alice
        .post(
            "/auth/totp/confirm",
            json!({"code": app(&secret).generate(now())}),
        )
        .await;
    assert_eq!(r.status, 200);
    let mut c = Client::new(&server);
    assert_error(
        &c.post(
            "/auth/signin",
            json!({"login": "alice", "password": "not the password"}),
        )
        .await,
        401,
        "INVALID_CREDENTIALS",
    );
    for challenge in ["0".repeat(64), "nope".into(), Value::Null.to_string()] {
        assert_error(
            &code_step(&mut c, &challenge, &app(&secret).generate(now() + 30)).await,
            401,
            "SIGNIN_EXPIRED",
        );
    }
    // A password change ends the sign-ins that got past the old password.
    let (mut d, challenge) = password_step(&server, "alice").await;
    let r = alice
        .post(
            "/auth/password",
            json!({"current": PASSWORD, "new": "another long password"}),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_error(
        &code_step(&mut d, &challenge, &app(&secret).generate(now() + 60)).await,
        401,
        "SIGNIN_EXPIRED",
    );
}
