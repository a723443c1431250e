//! Images in message bodies ([`crate::ent_images`]): inserting one from the user's files as the
//! ENT's editor does, and showing the ENT's own images of a body.

use std::path::Path;

use serde::Serialize;

use super::Mailbox;
use crate::attachment;
use crate::ent_images::{self, ImageError};
use crate::error::{Error, Result};

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
    /// Uploads the image `file` to the user's workspace as the ENT's editor does (visibility
    /// `protected`, so every recipient may read it) and returns what to insert. Refused before
    /// anything is sent: a file that is not a raster image of a sane size
    /// ([`ent_images::check_image`]), or larger than the space left on the ENT.
    pub async fn insert_image(&self, file: &Path) -> Result<InlineImage> {
        let name = file
            .file_name()
            .map(|n| attachment::display_name(&n.to_string_lossy()))
            .ok_or_else(|| Error::InvalidInput(format!("{} is not a file", file.display())))?;
        let path = file.to_path_buf();
        let limit = ent_images::MAX_UPLOAD_BYTES;
        let shown = name.clone();
        let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>> {
            let size = attachment::regular_file_size(&path)?;
            if size > limit {
                return Err(ImageError::TooLarge {
                    name: shown,
                    size,
                    limit,
                }
                .into());
            }
            std::fs::read(&path).map_err(|source| Error::File {
                path: path.display().to_string(),
                source,
            })
        })
        .await
        .map_err(|_| Error::InvalidInput("file read task failed".into()))??;
        ent_images::check_image(&name, &bytes)?;
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
        let id = ent_images::upload(self.client(), &name, bytes).await?;
        Ok(InlineImage {
            src: ent_images::image_src(&id, crate::clock::now_ms()),
            data_url,
        })
    }

    /// An ENT image of a body (`src` as the body holds it) as a `data:` URL, fetched with the
    /// session; `None` when `src` is not an ENT image or it cannot be shown.
    pub async fn ent_image(&self, src: &str) -> Result<Option<String>> {
        let Some(path) = ent_images::ent_image_path(src) else {
            return Ok(None);
        };
        Ok(ent_images::fetch_data_url(self.client(), &path).await)
    }

    /// The message's body made safe, with the ENT's own images inlined as `data:` URLs (shown
    /// at once, unlike remote ones).
    pub async fn body_with_ent_images(&self, id: &str) -> Result<String> {
        let message = self.message(id).await?;
        let html = crate::body::sanitize(message.body.as_deref().unwrap_or_default()).html;
        Ok(ent_images::inline_ent_images(self.client(), &html).await)
    }
}
