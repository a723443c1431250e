//! `/userbook/preference/{application}` (§10.1): the conversation signature.

use ent_protocol::{paths, PreferenceAnswer};
use reqwest::StatusCode;

use crate::helpers::TestApp;

#[tokio::test]
async fn a_preference_never_saved_is_null_then_reads_back_as_written_for_its_user_only() {
    let app = TestApp::spawn().await;
    let (paul, marie) = (
        app.login("paul.martin").await,
        app.login("marie.durand").await,
    );
    let path = paths::preference(paths::CONVERSATION_PREFERENCE);
    let before: PreferenceAnswer = paul.get(&path).await.json().await.unwrap();
    assert_eq!(before.preference, None);

    let text = r#"{"useSignature":true,"signature":"<p>Paul Martin</p>"}"#;
    let put = paul.put_raw(&path, text).await;

    assert_eq!(put.status(), StatusCode::OK);
    let after: PreferenceAnswer = paul.get(&path).await.json().await.unwrap();
    assert_eq!(after.preference.as_deref(), Some(text));
    let other: PreferenceAnswer = marie.get(&path).await.json().await.unwrap();
    assert_eq!(
        other.preference, None,
        "one user's preference is not another's"
    );
}
