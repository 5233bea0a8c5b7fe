//! A form that sends a file (`multipart/form-data`): read whole, within a
//! size limit, and accepted only on the terms of every other form (a
//! signed-in browser, this service's origin, the session's form token).

use std::collections::HashMap;

use actix_multipart::{Multipart, MultipartError};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;

use super::csrf::{FIELD, check_token, same_origin};
use super::respond::PageError;
use super::session::SignedIn;
use crate::error::AppError;
use crate::http::extractors::CSV_LIMIT;

/// The largest text field accepted beside the file.
const FIELD_LIMIT: usize = 4 * 1024;

/// A file sent with a form.
pub struct File {
    /// The name the browser gave it (never a path to trust).
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A form with one file, posted by a signed-in browser from one of the
/// service's pages.
pub struct Uploaded {
    pub signed: SignedIn,
    /// The text fields, by name (the form token among them).
    pub fields: HashMap<String, String>,
    /// The file field named `file`, when one was chosen.
    pub file: Option<File>,
}

fn unreadable(_: MultipartError) -> AppError {
    AppError::BadRequest("the form could not be read; go back and send it again".into())
}

/// Reads every part of the form: the text fields, and the file `file` up
/// to the limit of a delivery plan's sheet.
async fn read(mut parts: Multipart) -> Result<(HashMap<String, String>, Option<File>), AppError> {
    let mut fields = HashMap::new();
    let mut file = None;
    while let Some(part) = parts.next().await {
        let mut part = part.map_err(unreadable)?;
        let name = part.name().unwrap_or_default().to_owned();
        let filename = part
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_owned);
        let limit = if name == "file" {
            CSV_LIMIT
        } else {
            FIELD_LIMIT
        };
        let bytes = part
            .bytes(limit)
            .await
            .map_err(|_| {
                AppError::PayloadTooLarge(format!(
                    "the file is larger than {} kB; split the plan into smaller sheets",
                    CSV_LIMIT / 1024
                ))
            })?
            .map_err(unreadable)?;
        match (name.as_str(), filename) {
            // A file input left empty still sends a part, with no name.
            ("file", Some(filename)) if !filename.is_empty() || !bytes.is_empty() => {
                file = Some(File {
                    name: filename,
                    bytes: bytes.to_vec(),
                });
            }
            ("file", _) => {}
            _ => {
                let text = String::from_utf8(bytes.to_vec())
                    .map_err(|_| AppError::BadRequest("the form could not be read".into()))?;
                fields.insert(name, text);
            }
        }
    }
    Ok((fields, file))
}

async fn uploaded(
    req: HttpRequest,
    parts: Result<Multipart, actix_web::Error>,
) -> Result<Uploaded, PageError> {
    let signed = SignedIn::extract(&req).await?;
    same_origin(&req)?;
    let parts = parts.map_err(|_| AppError::BadRequest("the form could not be read".into()))?;
    let (fields, file) = read(parts).await?;
    check_token(fields.get(FIELD).map(String::as_str), &signed.csrf_token)?;
    Ok(Uploaded {
        signed,
        fields,
        file,
    })
}

impl FromRequest for Uploaded {
    type Error = PageError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let parts = Multipart::from_request(&req, payload).into_inner();
        Box::pin(async move { uploaded(req, parts).await })
    }
}
