//! A draft's attachments: the file copied into the account, then queued for upload.

use super::super::Mailbox;
use crate::attachment;
use crate::error::{Error, Result};
use crate::message::{self, Attachment};
use crate::queue::{self, Action};
use crate::store::SqlContext;

impl Mailbox {
    /// A file larger than the space left on the ENT is refused before it is copied or queued
    /// (the ENT would refuse the upload: entcore ConversationController.java `postAttachment`
    /// writes it within `quota - storage`; ent-server `attachments.rs` does the same). When the space is unknown (offline and never
    /// asked, or the ENT does not answer the quota), the ENT decides at upload.
    async fn refuse_if_over_quota(&self, size: u64) -> Result<()> {
        let Ok(quota) = self.quota().await else {
            return Ok(());
        };
        let left = quota.left();
        if size > left {
            return Err(Error::OverQuota { size, left });
        }
        Ok(())
    }

    /// Adds a file to a draft; the file is copied into the account, so a queued upload survives.
    pub async fn add_attachment(&self, message_id: &str, file: &std::path::Path) -> Result<String> {
        let message_id = &self.current_id(Some(message_id)).await?;
        let filename = file
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .ok_or_else(|| Error::InvalidInput(format!("{} is not a file", file.display())))?;
        let local_id = queue::new_local_id();
        let dir = self.inner.account.dir.join("outgoing");
        let copy = dir.join(super::super::safe_name(&format!("{local_id}-{filename}")));
        // Only a regular file: a device (`/dev/zero`) or a FIFO would fill the disk or block,
        // whoever asks (the app hands only picked files, the CLI any path it is given).
        let src = file.to_path_buf();
        let checked = src.clone();
        let size = tokio::task::spawn_blocking(move || attachment::regular_file_size(&checked))
            .await
            .map_err(|_| Error::InvalidInput("file check task failed".into()))??;
        self.refuse_if_over_quota(size).await?;
        let (dst, d) = (copy.clone(), dir.clone());
        let size = tokio::task::spawn_blocking(move || {
            std::fs::create_dir_all(&d)?;
            std::fs::copy(&src, &dst)
        })
        .await
        .map_err(|_| Error::InvalidInput("copy task failed".into()))?
        .map_err(|source| Error::File {
            path: file.display().to_string(),
            source,
        })?;
        let content_type = attachment::content_type(&filename).to_string();
        let (mid, lid) = (message_id.to_string(), local_id.clone());
        let path_text = copy.display().to_string();
        self.inner
            .store
            .write(move |tx| {
                // Again inside the write: the replay may have given the draft its ENT id since
                // the check above (a file added right after the draft was first saved).
                let mid = super::draft::resolve_id(tx, &mid)?;
                let mut list = message::attachments(tx, &mid)?;
                list.push(Attachment {
                    id: lid.clone(),
                    filename: filename.clone(),
                    content_type: content_type.clone(),
                    size: size as i64,
                    cached_path: Some(path_text.clone()),
                });
                message::replace_attachments(tx, &mid, &list)?;
                tx.execute(
                    "UPDATE attachments SET cached_path = ?3 WHERE message_id = ?1 AND id = ?2",
                    [&mid, &lid, &path_text],
                )
                .ctx("record an attachment file")?;
                tx.execute(
                    "UPDATE messages SET has_attachment = 1 WHERE id = ?1",
                    [&mid],
                )
                .ctx("flag an attachment")?;
                let action = Action::AddAttachment {
                    message_id: mid,
                    local_id: lid,
                    path: path_text,
                    filename,
                    content_type,
                };
                queue::push(tx, &action, Vec::new()).map(drop)
            })
            .await?;
        self.inner.announce_pending().await?;
        Ok(local_id)
    }

    /// Removes a file from a draft.
    pub async fn remove_attachment(&self, message_id: &str, attachment_id: &str) -> Result<()> {
        let message_id = &self.current_id(Some(message_id)).await?;
        let (mid, aid) = (message_id.to_string(), attachment_id.to_string());
        self.inner
            .store
            .write(move |tx| {
                let mid = super::draft::resolve_id(tx, &mid)?;
                tx.execute(
                    "DELETE FROM attachments WHERE message_id = ?1 AND id = ?2",
                    [&mid, &aid],
                )
                .ctx("remove an attachment")?;
                queue::push(
                    tx,
                    &Action::RemoveAttachment {
                        message_id: mid,
                        attachment_id: aid,
                    },
                    Vec::new(),
                )
                .map(drop)
            })
            .await?;
        self.inner.announce_pending().await?;
        Ok(())
    }
}
