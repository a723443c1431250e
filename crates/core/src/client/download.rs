//! Files from the ENT, streamed: the body is read chunk by chunk, never whole into memory, and
//! a slow line is not cut by the request timeout (the ENT must only never stay silent for
//! [`super::IDLE_TIMEOUT`]).

use std::time::Duration;

use super::{authorize, classify, Answer, ApiError, ApiResult, Call, Client};
use crate::session::Session;

/// The longest a whole download may take: 2 GiB at 256 kbit/s (a poor school line) takes about
/// 18 hours. What stops a dead transfer is the idle timeout, not this.
pub const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(24 * 60 * 60);

/// A download under way: the answer's headers are in, the body comes with [`Download::chunk`].
#[derive(Debug)]
pub struct Download {
    what: String,
    response: reqwest::Response,
}

impl Download {
    /// The body's length when the ENT declared it (`Content-Length`).
    pub fn len(&self) -> Option<u64> {
        self.response.content_length()
    }

    /// The file's name as the ENT gives it: entcore's `FileStorage.sendFile` writes
    /// `Content-Disposition: attachment; filename="{name}"` for a workspace document
    /// (edifice-entcore-libs `common/…/storage/impl/FileStorage.java`). Unchecked: make it safe
    /// before it names anything on disk.
    pub fn filename(&self) -> Option<String> {
        let header = self
            .response
            .headers()
            .get(reqwest::header::CONTENT_DISPOSITION)?;
        disposition_filename(&String::from_utf8_lossy(header.as_bytes()))
    }

    /// Whether the ENT declared an empty body.
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// The next part of the body, `None` at its end.
    pub async fn chunk(&mut self) -> ApiResult<Option<bytes::Bytes>> {
        self.response
            .chunk()
            .await
            .map_err(|source| ApiError::unreachable(self.what.clone(), source))
    }
}

/// The `filename` parameter of a `Content-Disposition` value, quoted or not.
fn disposition_filename(value: &str) -> Option<String> {
    let at = value
        .split(';')
        .map(str::trim)
        .find_map(|part| part.strip_prefix("filename="))?;
    let name = match at.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next().unwrap_or_default(),
        None => at,
    };
    (!name.trim().is_empty()).then(|| name.to_owned())
}

impl Client {
    /// Starts a `GET` whose body is a file: signs in again once if the session is gone and
    /// retries while the ENT is unreachable, through the same loop as [`Client::send_raw`].
    #[tracing::instrument(skip_all, fields(path = %path))]
    pub async fn download(&self, path: &str) -> ApiResult<Download> {
        let call = &Call::get(path);
        self.retrying(call, |session| async move {
            self.start_download(call, session.as_ref()).await
        })
        .await
    }

    async fn start_download(&self, call: &Call, session: Option<&Session>) -> ApiResult<Download> {
        let what = call.what();
        let url = format!("{}{}", self.base, call.path);
        let request = self
            .http
            .get(&url)
            // Replaces the whole-request timeout for this call only; the idle timeout stays.
            .timeout(DOWNLOAD_TIMEOUT);
        let request = authorize(request, session);
        self.wait_for_pace().await;
        self.requests
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let response = request
            .send()
            .await
            .map_err(|source| ApiError::unreachable(what.clone(), source))?;
        let status = response.status();
        self.pace
            .answered(std::time::Instant::now(), status, response.headers());
        if status.is_success() {
            return Ok(Download { what, response });
        }
        // An error page: read it (up to the usual limit) to classify it as every other answer.
        let headers = response.headers().clone();
        let bytes = super::read_capped(response, &what)
            .await
            .unwrap_or_default();
        let answer = Answer {
            status,
            bytes,
            headers,
        };
        classify(&self.base, what.clone(), answer).and(Err(ApiError::BadAnswer {
            what,
            detail: format!("status {status} instead of a file"),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::disposition_filename;

    #[test]
    fn the_name_is_read_from_content_disposition_as_entcore_writes_it() {
        assert_eq!(
            disposition_filename(r#"attachment; filename="chorale de Noël.mp4""#).as_deref(),
            Some("chorale de Noël.mp4")
        );
        assert_eq!(
            disposition_filename("inline;filename=photo.jpeg").as_deref(),
            Some("photo.jpeg")
        );
        for none in [
            "attachment",
            r#"attachment; filename="""#,
            "",
            "attachment; name=x",
        ] {
            assert_eq!(disposition_filename(none), None, "{none}");
        }
    }
}
