//! Huddle reference server.
//!
//! Today it serves the built single-page app (`dist/`) with Huddle's security headers and
//! an `index.html` fallback for client routes; the API (`/api/v1`) and the WebSocket
//! relay (`/ws`) arrive with the Messages issue.

mod config;
mod headers;

use std::net::SocketAddr;

use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

#[tokio::main]
async fn main() {
    let config = match config::Config::from_args(std::env::args().skip(1)) {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("huddle-server: {msg}\n\n{}", config::USAGE);
            std::process::exit(2);
        }
    };
    let index = config.dist.join("index.html");
    if !index.is_file() {
        eprintln!(
            "huddle-server: {} not found: build the app first (scripts/run.sh does)",
            index.display()
        );
        std::process::exit(1);
    }
    let spa = ServeDir::new(&config.dist).fallback(ServeFile::new(index));
    let app = headers::secure(Router::new().fallback_service(spa), config.https);

    let listener = match tokio::net::TcpListener::bind(config.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("huddle-server: cannot listen on {}: {e}", config.listen);
            std::process::exit(1);
        }
    };
    let addr: SocketAddr = listener.local_addr().expect("bound socket has an address");
    println!("Huddle is running: open http://{addr}/");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .expect("server error");
}
