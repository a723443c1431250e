//! Images in message bodies ([`crate::ent_images`]): inserting one from the user's files as the
//! ENT's editor does, and showing the ENT's own images of a body.

use std::path::Path;

use serde::Serialize;

use super::Mailbox;
use crate::attachment;
use crate::ent_images::{self, ImageError};
use crate::error::{Error, Result};
use crate::queue::{self, Action};

/// An image uploaded to the user's workspace, ready to be inserted in a body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InlineImage {
    /// What the body holds, as the ENT's editor writes it: `/workspace/document/{id}?timestamp=…`.
    pub src: String,
    /// The image itself, for the editor to show (the window loads nothing from the ENT).
    pub data_url: String,
}

impl Mailbox {
    /// Uploads the image `file` to the user's workspace as the ENT's editor does (shrunk to
    /// fit 1440 pixels when it is larger, visibility `protected` so that every recipient may
    /// read it) and returns what to insert. Refused before anything is sent: a file that is not
    /// a raster image of a sane size ([`ent_images::prepare_upload`]), or larger than the space
    /// left on the ENT.
    pub async fn insert_image(&self, file: &Path) -> Result<InlineImage> {
        let name = file
            .file_name()
            .map(|n| attachment::display_name(&n.to_string_lossy()))
            .ok_or_else(|| Error::InvalidInput(format!("{} is not a file", file.display())))?;
        let path = file.to_path_buf();
        let limit = ent_images::MAX_PICKED_BYTES;
        let (name, bytes) = tokio::task::spawn_blocking(move || -> Result<(String, Vec<u8>)> {
            let size = attachment::regular_file_size(&path)?;
            if size > limit {
                return Err(ImageError::TooLarge { name, size, limit }.into());
            }
            let bytes = std::fs::read(&path).map_err(|source| Error::File {
                path: path.display().to_string(),
                source,
            })?;
            Ok(ent_images::prepare_upload(&name, bytes)?)
        })
        .await
        .map_err(|_| Error::InvalidInput("image preparation task failed".into()))??;
        if let Ok(quota) = self.quota().await {
            let size = bytes.len() as u64;
            if size > quota.left() {
                return Err(Error::OverQuota {
                    size,
                    left: quota.left(),
                });
            }
        }
        let data_url =
            ent_images::data_url(&bytes).ok_or(ImageError::NotAnImage { name: name.clone() })?;
        match ent_images::upload(self.client(), &name, bytes.clone()).await {
            Ok(id) => Ok(InlineImage {
                src: ent_images::image_src(&id, crate::clock::now_ms()),
                data_url,
            }),
            // Offline (or the ENT failing): the image waits in the queue, as an attachment
            // does, under a local id the body holds until the replay uploads it.
            Err(e) if e.is_retryable() => {
                let local_id = self.queue_image(&name, bytes).await?;
                Ok(InlineImage {
                    src: format!("/workspace/document/{local_id}"),
                    data_url,
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Copies an image into the account and queues its upload; its local id.
    async fn queue_image(&self, name: &str, bytes: Vec<u8>) -> Result<String> {
        let local_id = queue::new_local_id();
        let dir = self.inner.account.dir.join("outgoing");
        let copy = dir.join(super::safe_name(&format!("{local_id}-{name}")));
        let target = copy.clone();
        tokio::task::spawn_blocking(move || {
            std::fs::create_dir_all(&dir)?;
            std::fs::write(&target, bytes)
        })
        .await
        .map_err(|_| Error::InvalidInput("copy task failed".into()))?
        .map_err(|source| Error::File {
            path: copy.display().to_string(),
            source,
        })?;
        let action = Action::UploadImage {
            local_id: local_id.clone(),
            path: copy.display().to_string(),
            filename: name.to_owned(),
        };
        self.inner
            .store
            .write(move |tx| queue::push(tx, &action, Vec::new()).map(drop))
            .await?;
        self.inner.announce_pending().await?;
        Ok(local_id)
    }

    /// An ENT image of a body (`src` as the body holds it) as a `data:` URL, fetched with the
    /// session; `None` when `src` is not an ENT image or it cannot be shown.
    pub async fn ent_image(&self, src: &str) -> Result<Option<String>> {
        let Some(path) = ent_images::ent_image_path(src) else {
            return Ok(None);
        };
        let id = path.rsplit('/').next().unwrap_or_default().to_owned();
        if !queue::is_local_id(&id) {
            return Ok(ent_images::fetch_data_url(self.client(), &path).await);
        }
        // An image inserted offline: the ENT's copy once uploaded, else the queued file.
        let key = id.clone();
        let (remote, file) = self
            .inner
            .store
            .read(move |c| {
                let remote = queue::remote_id(c, &key)?;
                let file = queue::all(c)?.into_iter().find_map(|e| match e.action {
                    Action::UploadImage { local_id, path, .. } if local_id == key => Some(path),
                    _ => None,
                });
                Ok((remote, file))
            })
            .await?;
        if let Some(remote) = remote {
            let path = format!("/workspace/document/{remote}");
            return Ok(ent_images::fetch_data_url(self.client(), &path).await);
        }
        let Some(file) = file else {
            return Ok(None);
        };
        let bytes = tokio::fs::read(&file).await.ok();
        Ok(bytes.and_then(|b| ent_images::data_url(&b)))
    }

    /// The message's body made safe, with the ENT's own images inlined as `data:` URLs (shown
    /// at once, unlike remote ones).
    pub async fn body_with_ent_images(&self, id: &str) -> Result<String> {
        let message = self.message(id).await?;
        let html = crate::body::sanitize(message.body.as_deref().unwrap_or_default()).html;
        Ok(ent_images::inline_ent_images(self.client(), &html).await)
    }
}
