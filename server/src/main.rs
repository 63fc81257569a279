//! `huddle-server`: see the library docs and `--help`.

use std::net::SocketAddr;

use huddle_server::{app, config, relay_app, AppState, Config, Role};

#[tokio::main]
async fn main() {
    huddle_server::logging::init();
    // `huddle-server openapi`: prints the generated OpenAPI document (server/openapi.json
    // is this output, checked by the tests).
    if std::env::args().nth(1).as_deref() == Some("openapi") {
        match huddle_server::api::openapi_document().to_pretty_json() {
            Ok(doc) => println!("{doc}"),
            Err(e) => {
                eprintln!("huddle-server: {e}");
                std::process::exit(1);
            }
        }
        return;
    }
    let config = match Config::from_args(std::env::args().skip(1)) {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("huddle-server: {msg}\n\n{}", config::USAGE);
            std::process::exit(2);
        }
    };
    let listen = config.listen;
    let role = config.role;
    let router = if role == Role::Relay {
        match relay_app(config) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("huddle-server: {e}");
                std::process::exit(1);
            }
        }
    } else {
        if !config.dist.join("index.html").is_file() {
            eprintln!(
                "huddle-server: {} not found: build the app first (scripts/run.sh does)",
                config.dist.join("index.html").display()
            );
            std::process::exit(1);
        }
        let state = match AppState::new(config) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("huddle-server: {e}");
                std::process::exit(1);
            }
        };
        if state.config.demo {
            match state.db.call(|c| Ok(huddle_server::demo::seed(c)?)).await {
                Ok(true) => println!(
                    "Demo data created: sign in as alice, bob or carol with the password {:?}",
                    huddle_server::demo::PASSWORD
                ),
                Ok(false) => {}
                Err(e) => eprintln!("huddle-server: demo data not created: {}", e.message),
            }
        }
        app(state)
    };
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("huddle-server: cannot listen on {listen}: {e}");
            std::process::exit(1);
        }
    };
    let addr: SocketAddr = listener.local_addr().expect("bound socket has an address");
    if role == Role::Relay {
        println!("Huddle relay is running: ws://{addr}/ws");
    } else {
        println!("Huddle is running: open http://{addr}/");
    }
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .expect("server error");
}
