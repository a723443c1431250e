//! The conversation signature, kept where the ENT keeps it: the user's `conversation`
//! preference (`GET`/`PUT /userbook/preference/conversation`, docs/protocol.md §10.1), so that
//! a signature set on the ENT's web page is the app's, and the reverse.
//!
//! The last value seen (or set here) is cached in the store (`meta` key `signature`): offline
//! the cached value is used, and a change made offline is queued ([`Action::SetSignature`]) and
//! replayed like the other actions. While a change is queued, the cached value is the user's
//! and is not overwritten by what the ENT still has.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{Event, Mailbox};
use crate::client::userbook;
use crate::error::Result;
use crate::queue::{self, Action};
use crate::store;

/// The `meta` key of the cached signature.
const CACHE_KEY: &str = "signature";

/// How long opening the composer waits for the ENT's signature before using the cached one.
const FETCH_TIMEOUT: Duration = Duration::from_secs(3);

/// The ENT web page's empty paragraph (`SIGNATURE_EMPTY_CONTENT`,
/// `conversation/frontend/src/components/SignatureEditor/components/SignatureEditor.tsx`).
const EMPTY_PARAGRAPH: &str = "<p></p>";

/// The user's signature and whether new messages get it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct Signature {
    pub use_signature: bool,
    /// HTML, as the ENT's editor writes it.
    pub signature: String,
}

impl Signature {
    /// What a new message, a reply or a forward starts with, as the ENT's web page writes it
    /// (`front/hooks/useInitMessage.tsx`): two empty paragraphs then the signature, when it is
    /// used and not empty; else one empty paragraph.
    pub fn block(&self) -> String {
        if self.use_signature && !self.signature.trim().is_empty() {
            format!("{EMPTY_PARAGRAPH}{EMPTY_PARAGRAPH}{}", self.signature)
        } else {
            EMPTY_PARAGRAPH.to_string()
        }
    }
}

impl Mailbox {
    /// The signature: the ENT's when it answers (and no change made here is waiting), else the
    /// cached one.
    pub async fn signature(&self) -> Result<Signature> {
        if self.signature_change_queued().await? {
            return self.cached_signature().await;
        }
        let fetched = tokio::time::timeout(
            FETCH_TIMEOUT,
            userbook::conversation_preference(&self.inner.client),
        )
        .await;
        match fetched {
            Ok(Ok(pref)) => {
                // Untrusted HTML from the network, shown in the composer and the signature
                // editor (the main window): made safe as a message body is.
                let sig = Signature {
                    use_signature: pref.use_signature.unwrap_or(false),
                    signature: crate::body::sanitize(&pref.signature.unwrap_or_default()).html,
                };
                self.cache_signature(&sig).await?;
                Ok(sig)
            }
            Ok(Err(error)) => {
                tracing::debug!(%error, "signature not fetched; the cached one");
                self.cached_signature().await
            }
            Err(_) => {
                tracing::debug!("signature not fetched in time; the cached one");
                self.cached_signature().await
            }
        }
    }

    /// Sets the signature: cached at once, written to the ENT's preference by the queue (now
    /// when the ENT answers, later otherwise).
    pub async fn set_signature(&self, sig: Signature) -> Result<()> {
        let sig = Signature {
            signature: crate::body::sanitize(&sig.signature).html,
            ..sig
        };
        let text = serde_json::to_string(&sig).unwrap_or_default();
        self.inner
            .store
            .write(move |tx| {
                store::set_meta(tx, CACHE_KEY, &text)?;
                // Only the last change matters: an older one still queued goes.
                for entry in queue::all(tx)? {
                    if matches!(entry.action, Action::SetSignature { .. }) {
                        queue::remove(tx, entry.seq)?;
                    }
                }
                queue::push(
                    tx,
                    &Action::SetSignature {
                        use_signature: sig.use_signature,
                        signature: sig.signature,
                    },
                    Vec::new(),
                )?;
                Ok(())
            })
            .await?;
        self.inner.emit(Event::SignatureChanged);
        if let Err(error) = self.flush_queue().await {
            tracing::debug!(%error, "the signature waits for the ENT");
        }
        Ok(())
    }

    /// What a new message, a reply or a forward starts with: [`Signature::block`] when the
    /// signature is used, nothing otherwise (the composer keeps its own empty start).
    pub async fn signature_block(&self) -> Result<String> {
        let sig = self.signature().await?;
        Ok(if sig.use_signature && !sig.signature.trim().is_empty() {
            sig.block()
        } else {
            String::new()
        })
    }

    async fn cached_signature(&self) -> Result<Signature> {
        let text = self
            .inner
            .store
            .read(|c| store::get_meta(c, CACHE_KEY))
            .await?;
        Ok(text
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default())
    }

    async fn cache_signature(&self, sig: &Signature) -> Result<()> {
        let text = serde_json::to_string(sig).unwrap_or_default();
        self.inner
            .store
            .write(move |tx| {
                // A change made here meanwhile wins over what was fetched before it.
                let queued = queue::all(tx)?
                    .iter()
                    .any(|e| matches!(e.action, Action::SetSignature { .. }));
                if !queued {
                    store::set_meta(tx, CACHE_KEY, &text)?;
                }
                Ok(())
            })
            .await?;
        Ok(())
    }

    async fn signature_change_queued(&self) -> Result<bool> {
        Ok(self
            .inner
            .store
            .read(|c| {
                Ok(queue::all(c)?
                    .iter()
                    .any(|e| matches!(e.action, Action::SetSignature { .. })))
            })
            .await?)
    }
}

/// Replays a queued signature change: the preference as the ENT has it now, with the two keys
/// set, so that keys another client wrote stay.
pub(crate) async fn write_to_ent(
    client: &crate::client::Client,
    use_signature: bool,
    signature: &str,
) -> crate::client::ApiResult<()> {
    let mut pref = userbook::conversation_preference(client).await?;
    pref.use_signature = Some(use_signature);
    pref.signature = Some(signature.to_string());
    userbook::set_conversation_preference(client, &pref).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_is_two_empty_paragraphs_then_the_signature_only_when_used() {
        let sig = Signature {
            use_signature: true,
            signature: "<p>M. Martin</p>".into(),
        };
        assert_eq!(sig.block(), "<p></p><p></p><p>M. Martin</p>");
        let off = Signature {
            use_signature: false,
            ..sig
        };
        assert_eq!(off.block(), "<p></p>");
        let empty = Signature {
            use_signature: true,
            signature: "  ".into(),
        };
        assert_eq!(empty.block(), "<p></p>");
    }
}
