//! The ENT's JSON shapes, from `ent-protocol` (their one home), under the names the client
//! uses. Nothing is redefined here.

pub use ent_protocol::{
    Count, ErrorBody, FolderTreeItem as Folder, GroupRef, IdResponse as Created,
    LastNotifications as Notifications, MaxDepth, Message, MessageListItem as MessageSummary,
    Notification, Recipients, SendResponse, TokenResponse, UserInfo, UserRef, Visible, VisibleKind,
};
pub use ent_protocol::{SESSION_COOKIE, XSRF_COOKIE, XSRF_HEADER};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_message_example_parses_with_nulls() {
        let json = r#"{"id":"0f6e","parent_id":null,"thread_id":"0f6e","subject":null,
 "body":"<p>Bonjour</p>","state":"SENT","date":1718000000000,"language":"fr","noReply":false,
 "content_version":1,"folder_id":null,"trashed":false,"unread":false,"original_format_exists":false,
 "from":{"id":"","displayName":"Ancien compte"},"to":null,"cc":{"users":[],"groups":[]},
 "cci":{"users":[],"groups":[]},
 "attachments":[{"id":"3e1b","name":"file","charset":"UTF-8","filename":"ordre-du-jour.pdf",
   "contentType":"application/pdf","contentTransferEncoding":"7bit","size":48213}]}"#;
        let m: Message = serde_json::from_str(json).unwrap();
        assert_eq!(m.attachments[0].size, 48213);
        assert!(m.subject.is_none() && m.to.users.is_empty());
    }

    #[test]
    fn timeline_dates_parse_as_iso_strings_and_as_epoch_numbers() {
        let json = r#"{"status":"ok","number":2,"results":[
 {"_id":"a","type":"MESSAGERIE","event-type":"SEND-MESSAGE","resource":"m1","sender":"u1",
  "params":{"username":"MARTIN Paul","subject":"Conseil de classe"},"date":{"$date":"2026-06-10T08:13:20.000Z"}},
 {"_id":"b","type":"MESSAGERIE","resource":"m2","sender":"u1","date":{"$date":1781079200000}}]}"#;
        let n: Notifications = serde_json::from_str(json).unwrap();
        assert_eq!(n.results[0].date.epoch_millis, 1_781_079_200_000);
        assert_eq!(n.results[1].date.epoch_millis, 1_781_079_200_000);
    }
}
