//! A browser for the page tests: keeps cookies, sends forms as a browser
//! does (with its `Origin`), and does not follow redirects, so tests see
//! each one.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use awc::http::StatusCode;

use crate::helpers::{PASSWORD, TestApp};

/// One answer to a page request.
pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub headers: awc::http::header::HeaderMap,
    pub body: String,
}

impl Page {
    /// The value of the first input (hidden or not) named `name`.
    pub fn input(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\"");
        let at = self.body.find(&marker)?;
        let tag_start = self.body[..at].rfind('<')?;
        let tag_end = at + self.body[at..].find('>')?;
        let tag = &self.body[tag_start..tag_end];
        let value = tag.split("value=\"").nth(1)?;
        Some(value[..value.find('"')?].to_owned())
    }

    /// The value of the input named `name` in the form posting to `action`.
    pub fn form_input(&self, action: &str, name: &str) -> Option<String> {
        let start = self.body.find(&format!("action=\"{action}\""))?;
        let end = start + self.body[start..].find("</form>")?;
        let form = Page {
            status: self.status,
            location: None,
            headers: Default::default(),
            body: self.body[start..end].to_owned(),
        };
        form.input(name)
    }

    /// The form token of the page.
    pub fn csrf(&self) -> String {
        self.input("csrf_token").expect("the page has a form token")
    }

    pub fn has(&self, text: &str) -> bool {
        self.body.contains(text)
    }
}

pub struct Browser<'a> {
    address: String,
    client: awc::Client,
    cookies: BTreeMap<String, String>,
    app: PhantomData<&'a TestApp>,
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        Browser::at(&app.address)
    }

    /// A browser for the service at `address` (`http://host:port`).
    pub fn at(address: &str) -> Self {
        Browser {
            address: address.to_owned(),
            client: awc::Client::builder().disable_redirects().finish(),
            cookies: BTreeMap::new(),
            app: PhantomData,
        }
    }

    /// Goes on with this browser's cookies to the service at `address`, as
    /// a load balancer may send the next request to another instance.
    pub fn switch_to(&mut self, address: &str) {
        self.address = address.to_owned();
    }

    /// The value of one of the browser's cookies.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn read<S>(&mut self, mut response: awc::ClientResponse<S>) -> Page
    where
        S: futures_util::Stream<Item = Result<actix_web::web::Bytes, awc::error::PayloadError>>
            + Unpin,
    {
        for value in response.headers().get_all("set-cookie") {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            let removed = text.contains("Max-Age=0");
            if removed || value.is_empty() {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let body = response.body().limit(4 << 20).await.expect("a body");
        Page {
            status: response.status(),
            location: response
                .headers()
                .get("location")
                .map(|v| v.to_str().unwrap().to_owned()),
            headers: response.headers().clone(),
            body: String::from_utf8(body.to_vec()).expect("UTF-8"),
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let response = self
            .client
            .get(self.url(path))
            .insert_header(("accept", "text/html"))
            .insert_header(("cookie", self.cookie_header()))
            .send()
            .await
            .expect("request");
        self.read(response).await
    }

    /// Posts a form as a page of the service would.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let origin = self.address.clone();
        self.post_from(path, fields, Some(&origin)).await
    }

    /// Posts a form with the given `Origin` (or none).
    pub async fn post_from(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        origin: Option<&str>,
    ) -> Page {
        let mut request = self
            .client
            .post(self.url(path))
            .insert_header(("accept", "text/html"))
            .insert_header(("cookie", self.cookie_header()));
        if let Some(origin) = origin {
            request = request.insert_header(("origin", origin));
        }
        let response = request.send_form(&fields).await.expect("request");
        self.read(response).await
    }

    /// Posts a form with one file (`multipart/form-data`), as a page with a
    /// file input does: `file` is the field's name, the file's name and its
    /// bytes.
    pub async fn post_file(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: (&str, &str, &[u8]),
    ) -> Page {
        const BOUNDARY: &str = "----dpt-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        let (field, filename, bytes) = file;
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\nContent-Type: text/csv\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        let response = self
            .client
            .post(self.url(path))
            .insert_header(("accept", "text/html"))
            .insert_header(("cookie", self.cookie_header()))
            .insert_header(("origin", self.address.clone()))
            .insert_header((
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            ))
            .send_body(body)
            .await
            .expect("request");
        self.read(response).await
    }

    /// Signs in through the sign-in page; returns the answer to the form.
    pub async fn sign_in_with(&mut self, email: &str, password: &str, next: &str) -> Page {
        let form = self.get("/sign-in").await;
        assert_eq!(form.status, StatusCode::OK);
        let token = form.csrf();
        self.post(
            "/sign-in",
            &[
                ("email", email),
                ("password", password),
                ("next", next),
                ("csrf_token", &token),
            ],
        )
        .await
    }

    /// Signs in as a demo account, expecting to be let in.
    pub async fn sign_in(&mut self, email: &str) {
        let answer = self.sign_in_with(email, PASSWORD, "/").await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
        assert_eq!(answer.location.as_deref(), Some("/"));
    }

    pub fn has_session(&self) -> bool {
        self.cookies.contains_key("dpt_session")
    }
}
