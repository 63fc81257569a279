//! `huddle-server`: see the library docs and `--help`.

use std::net::SocketAddr;

use huddle_server::{app, config, relay_app, AppState, Config, Role};

#[tokio::main]
async fn main() {
    // A child of the server that renders one PDF page (see api::drive::pdf): its standard
    // output is the image, so nothing else may write there (not even the logs).
    if std::env::args().nth(1).as_deref() == Some("render-pdf") {
        let arg = std::env::args().nth(2);
        let code = huddle_server::api::drive::pdf::child_main(arg.as_deref());
        std::process::exit(if code == std::process::ExitCode::SUCCESS {
            0
        } else {
            1
        });
    }
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
    match std::env::args().nth(1).as_deref() {
        Some("copy-database") => return copy_database(std::env::args().skip(2).collect()).await,
        Some("backup") => return backup(std::env::args().skip(2).collect()).await,
        Some("rotate-master-key") => {
            return rotate_master_key(std::env::args().skip(2).collect()).await
        }
        _ => {}
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
    let tls = config.tls.clone();
    let acme = config.acme.clone();
    let data_dir = config.data_dir.clone();
    let redirect = config.redirect_http.zip(config.public_origin.clone());
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
        let state = match AppState::new(config).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("huddle-server: {e}");
                std::process::exit(1);
            }
        };
        if state.config.demo {
            match huddle_server::demo::seed(&state.db).await {
                Ok(true) => println!(
                    "Demo data created: sign in as alice, bob or carol with the password {:?}",
                    huddle_server::demo::PASSWORD
                ),
                Ok(false) => {}
                Err(e) => eprintln!("huddle-server: demo data not created: {e}"),
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
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    if tls.is_none() && acme.is_none() {
        if role == Role::Relay {
            println!("Huddle relay is running: ws://{addr}/ws");
        } else {
            println!("Huddle is running: open http://{addr}/");
        }
        axum::serve(listener, service)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .expect("server error");
        return;
    }
    // HTTPS, and perhaps a plain-HTTP listener that only redirects (and answers ACME
    // challenges: it starts first, since the first certificate needs it).
    let challenges = huddle_server::acme::Challenges::default();
    if let Some((at, origin)) = redirect {
        let plain = match tokio::net::TcpListener::bind(at).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("huddle-server: cannot listen on {at}: {e}");
                std::process::exit(1);
            }
        };
        println!(
            "Plain HTTP on {} redirects to {origin}",
            plain.local_addr().expect("bound socket has an address")
        );
        let app = huddle_server::https::redirect_app(origin, Some(challenges.clone()));
        tokio::spawn(async move {
            if let Err(e) = axum::serve(plain, app).await {
                tracing::error!(error = %e, "the HTTP redirect listener stopped");
            }
        });
    }
    let (tls, acme) = match (tls, acme) {
        (Some(tls), _) => (tls, None),
        (None, Some(acme)) => {
            let files = huddle_server::acme::Files::new(&data_dir);
            if let Err(e) = huddle_server::acme::ensure(&acme, &files, &challenges).await {
                eprintln!("huddle-server: no certificate for {}: {e}", acme.domain);
                std::process::exit(1);
            }
            let tls = huddle_server::config::Tls {
                cert: files.cert(),
                key: files.key(),
            };
            (tls, Some((acme, files)))
        }
        (None, None) => unreachable!("checked above"),
    };
    let mut loaded = huddle_server::https::rustls_config(&tls).await;
    if let (Err(e), Some((acme, files))) = (&loaded, &acme) {
        // A stored pair that does not load (a crash between writing the key and the
        // certificate, say): get a new one.
        tracing::warn!(error = %e, "the stored ACME certificate does not load: getting a new one");
        if let Err(e) = huddle_server::acme::obtain(acme, files, &challenges).await {
            eprintln!("huddle-server: no certificate for {}: {e}", acme.domain);
            std::process::exit(1);
        }
        loaded = huddle_server::https::rustls_config(&tls).await;
    }
    let rustls = match loaded {
        Ok(c) => c,
        Err(e) => {
            eprintln!("huddle-server: {e}");
            std::process::exit(1);
        }
    };
    huddle_server::https::reload_on_sighup(rustls.clone(), tls);
    if let Some((acme, files)) = acme {
        huddle_server::acme::keep_renewed(acme, files, challenges, rustls.clone());
    }
    let handle = axum_server::Handle::new();
    let stop = handle.clone();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        stop.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
    });
    let listener = match listener.into_std() {
        Ok(l) => l,
        Err(e) => {
            eprintln!("huddle-server: {e}");
            std::process::exit(1);
        }
    };
    if role == Role::Relay {
        println!("Huddle relay is running: wss://{addr}/ws");
    } else {
        println!("Huddle is running: open https://{addr}/");
    }
    axum_server::from_tcp_rustls(listener, rustls)
        .handle(handle)
        .serve(service)
        .await
        .expect("server error");
}

/// Exits with a usage error.
fn usage(msg: &str) -> ! {
    eprintln!("huddle-server: {msg}\n\n{}", config::USAGE);
    std::process::exit(2);
}

/// Takes `--name VALUE` out of `args`.
fn take(args: &mut Vec<String>, name: &str) -> Option<String> {
    let i = args.iter().position(|a| a == name)?;
    if i + 1 >= args.len() {
        usage(&format!("{name} needs a value"));
    }
    let value = args.remove(i + 1);
    args.remove(i);
    Some(value)
}

/// `huddle-server copy-database --from URL --to URL`.
async fn copy_database(mut args: Vec<String>) {
    let from = take(&mut args, "--from").unwrap_or_else(|| usage("copy-database needs --from"));
    let to = take(&mut args, "--to").unwrap_or_else(|| usage("copy-database needs --to"));
    if let Some(extra) = args.first() {
        usage(&format!("copy-database: unknown argument {extra:?}"));
    }
    let parse = |d: &str| config::Database::parse(d).unwrap_or_else(|e| usage(&e));
    match huddle_server::copy::copy_database(&parse(&from), &parse(&to)).await {
        Ok(report) => {
            for (table, rows) in report {
                println!("{table}: {rows} rows");
            }
            println!("copied: start the server with --database set to the destination and the same data directory");
        }
        Err(e) => {
            eprintln!("huddle-server: copy-database: {e}");
            std::process::exit(1);
        }
    }
}

/// `huddle-server backup --to FILE [server options]`.
async fn backup(mut args: Vec<String>) {
    let to = take(&mut args, "--to").unwrap_or_else(|| usage("backup needs --to FILE"));
    let config = Config::from_args(args.into_iter()).unwrap_or_else(|e| usage(&e));
    let db = match huddle_server::db::Db::open(&config.database).await {
        Ok(db) => db,
        Err(e) => {
            eprintln!("huddle-server: backup: {e}");
            std::process::exit(1);
        }
    };
    let done = db.backup_to(std::path::Path::new(&to)).await;
    db.close().await;
    match done {
        Ok(()) => println!("backup written to {to}"),
        Err(e) => {
            eprintln!("huddle-server: {e}");
            std::process::exit(1);
        }
    }
}

/// `huddle-server rotate-master-key [server options]`.
async fn rotate_master_key(args: Vec<String>) {
    let config = Config::from_args(args.into_iter()).unwrap_or_else(|e| usage(&e));
    let fail = |e: String| -> ! {
        eprintln!("huddle-server: rotate-master-key: {e}");
        std::process::exit(1);
    };
    let db = huddle_server::db::Db::open(&config.database)
        .await
        .unwrap_or_else(|e| fail(e.to_string()));
    let vault = huddle_server::vault::load(&config, &db)
        .await
        .unwrap_or_else(|e| fail(e));
    let db = db.with_vault(vault);
    let path = huddle_server::vault::master_key_path(&config);
    let done = huddle_server::vault::rotate_master_key(&db, &path).await;
    db.close().await;
    match done {
        Ok((id, n)) => println!(
            "master key rotated: {n} data keys sealed under the new key {id} in {}; back the file up (backups made before need the old key)",
            path.display()
        ),
        Err(e) => fail(e),
    }
}
