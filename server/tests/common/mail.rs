//! A real SMTP server for the tests: Debian's `aiosmtpd` (python3-aiosmtpd, installed by
//! `scripts/setup.sh`) on a random loopback port, delivering into a Maildir.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The SMTP server; stopped when dropped.
pub struct MailCatcher {
    /// Its port on 127.0.0.1.
    pub port: u16,
    maildir: PathBuf,
    child: Child,
    _dir: tempfile::TempDir,
}

/// A mail as it arrived: its recipient (`X-RcptTo`) and its whole text, with
/// quoted-printable soft line breaks joined.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub text: String,
}

impl Mail {
    /// The token of the `/verify#` link in it, if any.
    pub fn verify_token(&self) -> Option<String> {
        let at = self.text.find("/verify#")? + "/verify#".len();
        let token: String = self.text[at..]
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .collect();
        (token.len() == 64).then_some(token)
    }
}

impl MailCatcher {
    /// Starts the server and waits until it accepts connections.
    pub fn start() -> MailCatcher {
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("mail");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        // Debian's interpreter, where Debian's aiosmtpd is (not a python3 earlier in PATH).
        let child = Command::new("/usr/bin/python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .spawn()
            .expect("python3-aiosmtpd (scripts/setup.sh installs it)");
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "aiosmtpd did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        MailCatcher {
            port,
            maildir,
            child,
            _dir: dir,
        }
    }

    /// The `smtp://` URL to give the server.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every mail delivered so far, oldest first.
    pub fn mails(&self) -> Vec<Mail> {
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else {
            return Vec::new();
        };
        let mut files: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        files
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .map(|raw| {
                let text = raw.replace("=\r\n", "").replace("=\n", "");
                let to = text
                    .lines()
                    .find_map(|l| l.strip_prefix("X-RcptTo: "))
                    .unwrap_or_default()
                    .trim()
                    .to_owned();
                Mail { to, text }
            })
            .collect()
    }

    /// The mails to `to`, once there are `n` of them (fails after 20 s).
    pub async fn wait_for(&self, to: &str, n: usize) -> Vec<Mail> {
        let start = Instant::now();
        loop {
            let got: Vec<Mail> = self.mails().into_iter().filter(|m| m.to == to).collect();
            if got.len() >= n {
                return got;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "{n} mails to {to}: got {got:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for MailCatcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
