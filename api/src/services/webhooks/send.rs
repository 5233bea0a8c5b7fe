//! The HTTP client deliveries go out through. `awc` runs on a single
//! thread's runtime, so one thread of its own owns the client and the
//! worker hands it requests over a channel: redirects are never followed,
//! each request has a timeout, and each connects to the address that was
//! checked, whatever the host name resolves to by then.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

/// A request to send.
struct Outgoing {
    url: String,
    address: SocketAddr,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    reply: oneshot::Sender<Result<u16, String>>,
}

/// Sends webhook requests; cheap to clone. The client thread ends when the
/// last clone is dropped.
#[derive(Clone)]
pub(super) struct Sender {
    requests: mpsc::UnboundedSender<Outgoing>,
}

impl Sender {
    /// Starts the client thread.
    pub(super) fn start(timeout: Duration) -> Sender {
        let (requests, mut incoming) = mpsc::unbounded_channel::<Outgoing>();
        std::thread::Builder::new()
            .name("webhook-client".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime for the webhook client");
                tokio::task::LocalSet::new().block_on(&runtime, async move {
                    let client = awc::Client::builder()
                        .disable_redirects()
                        .timeout(timeout)
                        .finish();
                    while let Some(out) = incoming.recv().await {
                        let client = client.clone();
                        tokio::task::spawn_local(async move {
                            let result = post(&client, &out).await;
                            let _ = out.reply.send(result);
                        });
                    }
                });
            })
            .expect("start the webhook client thread");
        Sender { requests }
    }

    /// POSTs `body` to `url` over a connection to `address`; the status
    /// of the answer, or why none came.
    pub(super) async fn post(
        &self,
        url: &str,
        address: SocketAddr,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    ) -> Result<u16, String> {
        let (reply, answer) = oneshot::channel();
        let out = Outgoing {
            url: url.to_owned(),
            address,
            headers,
            body,
            reply,
        };
        self.requests
            .send(out)
            .map_err(|_| "the webhook client has stopped".to_owned())?;
        answer
            .await
            .map_err(|_| "the webhook client dropped the request".to_owned())?
    }
}

async fn post(client: &awc::Client, out: &Outgoing) -> Result<u16, String> {
    let mut request = client
        .post(out.url.as_str())
        .address(out.address)
        .insert_header(("content-type", "application/json"));
    for (name, value) in &out.headers {
        request = request.insert_header((*name, value.as_str()));
    }
    let mut response = request
        .send_body(out.body.clone())
        .await
        .map_err(|e| format!("no answer from {}: {e}", out.address))?;
    // Read (a little of) the answer so the connection can be reused.
    let _ = response.body().limit(64 * 1024).await;
    Ok(response.status().as_u16())
}
