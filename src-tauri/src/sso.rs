//! « Se connecter avec la page de l'ENT »: the ENT's own login page (and whatever SSO it sends
//! the user to: EduConnect, CAS…) in a window of the app; the session is taken from that
//! window's cookies once the ENT accepts it. The window gets no command (capabilities name
//! only `main`).
//!
//! The window's cookies (the ENT's and its identity provider's) are its profile: they are kept
//! while the account is signed in, so that when the ENT ends the session, signing in again
//! (« Se reconnecter ») is one click where the identity provider still knows the user. On a
//! shared computer the next person who opens that window must not be signed in as the previous
//! one: at sign-out every cookie of the app's web context is deleted ([`forget_ent_window`]);
//! the app's own pages use none. Signing out also ends the session on the ENT itself. (Not an
//! incognito window: WebKitGTK lets one web context only be driven by the end-to-end tests.)

use std::time::Duration;

use messagerie_core::client::{auth, Client};
use messagerie_core::session::{Secret, Session};
use tauri::{AppHandle, Manager, Url, WebviewUrl, WebviewWindowBuilder};

use crate::account::SignInResult;
use crate::error::{CommandError, ErrorKind};

const LABEL: &str = "ent-login";
/// How long the user has to sign in.
const PATIENCE: Duration = Duration::from_secs(15 * 60);
const POLL: Duration = Duration::from_millis(500);

/// Opens the ENT's login page and waits until its cookies hold a session the ENT accepts.
/// `Err` is the answer for the sign-in screen (cancelled when the user closed the window).
pub async fn wait_for_session(app: &AppHandle, ent_url: &str) -> Result<Session, SignInResult> {
    let base = Url::parse(ent_url).map_err(|_| SignInResult::invalid_address())?;
    let login_page = base
        .join("/auth/login")
        .map_err(|_| SignInResult::invalid_address())?;
    if let Some(old) = app.get_webview_window(LABEL) {
        let _ = old.close();
    }
    let window = WebviewWindowBuilder::new(app, LABEL, WebviewUrl::External(login_page))
        .title("Connexion à l'ENT")
        .inner_size(900.0, 700.0)
        .build()
        .map_err(|error| {
            tracing::warn!(%error, "cannot open the ENT's login window");
            SignInResult::failed(
                ErrorKind::Internal,
                "la fenêtre de connexion n'a pas pu s'ouvrir",
            )
        })?;
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while tokio::time::Instant::now() < deadline {
        tokio::time::sleep(POLL).await;
        if app.get_webview_window(LABEL).is_none() {
            return Err(SignInResult::failed(
                ErrorKind::Cancelled,
                "connexion annulée : la fenêtre de l'ENT a été fermée",
            ));
        }
        let Ok(cookies) = window.cookies_for_url(base.clone()) else {
            continue;
        };
        let value = |name: &str| {
            cookies
                .iter()
                .find(|c| c.name() == name && !c.value().is_empty())
                .map(|c| Secret::new(c.value()))
        };
        let Some(one_session_id) = value(ent_protocol::SESSION_COOKIE) else {
            continue;
        };
        let session = Session::Cookie {
            one_session_id,
            xsrf_token: value(ent_protocol::XSRF_COOKIE),
        };
        // A cookie alone is not a signed-in user: the ENT must say who it is.
        if login_of(ent_url, &session).await.is_ok() {
            // The cookies stay until sign-out: the profile of the next « Se reconnecter ».
            let _ = window.close();
            return Ok(session);
        }
    }
    let _ = window.close();
    Err(SignInResult::failed(
        ErrorKind::Cancelled,
        "connexion abandonnée : le délai est dépassé",
    ))
}

const PAGE_LABEL: &str = "ent-page";

/// Opens a page of the ENT (where it asks the user to accept new terms of use, or to confirm an
/// e-mail address or a second factor) in a window of the app, like the sign-in window: an SSO
/// user finds the session of that window there; others sign in on the ENT's page first. The
/// window gets no command. Only pages of `ent_url`'s site are opened.
pub fn open_page(app: &AppHandle, ent_url: &str, page: &str) -> Result<(), CommandError> {
    let refused = || {
        CommandError::new(
            ErrorKind::InvalidInput,
            "cette page n'est pas une page de votre ENT ; elle n'a pas été ouverte",
        )
    };
    let url = same_site(ent_url, page).ok_or_else(refused)?;
    if let Some(old) = app.get_webview_window(PAGE_LABEL) {
        let _ = old.close();
    }
    WebviewWindowBuilder::new(app, PAGE_LABEL, WebviewUrl::External(url))
        .title("ENT")
        .inner_size(900.0, 700.0)
        .build()?;
    Ok(())
}

/// `page` parsed, when it is on the site of `ent_url` (same scheme, host and port).
fn same_site(ent_url: &str, page: &str) -> Option<Url> {
    let base = Url::parse(ent_url).ok()?;
    let url = Url::parse(page).ok()?;
    (url.origin() == base.origin()).then_some(url)
}

/// Signing out: deletes the cookies of the app's web context (the ENT's and its SSO's) and
/// closes the ENT's sign-in window if it is still open.
pub fn forget_ent_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(LABEL) {
        forget_cookies(&window);
        let _ = window.close();
    } else if let Some(main) = app.get_webview_window("main") {
        forget_cookies(&main);
    }
}

/// Deletes every cookie of the web context `webview` belongs to (the windows of the app share
/// one): the ENT's session, and those of the SSO it went through.
fn forget_cookies<R: tauri::Runtime>(webview: &tauri::WebviewWindow<R>) {
    let cookies = match webview.cookies() {
        Ok(cookies) => cookies,
        Err(error) => {
            tracing::warn!(%error, "cannot list the cookies of the ENT window");
            return;
        }
    };
    let count = cookies.len();
    for cookie in cookies {
        if let Err(error) = webview.delete_cookie(cookie) {
            tracing::warn!(%error, "cannot delete a cookie of the ENT window");
        }
    }
    tracing::info!(count, "cookies of the ENT window deleted");
}

/// The login of the user a session belongs to; fails while the session is not signed in.
pub async fn login_of(ent_url: &str, session: &Session) -> messagerie_core::Result<String> {
    let client = Client::new(ent_url)?;
    client.set_session(Some(session.clone())).await;
    Ok(auth::userinfo(&client).await?.login)
}

#[cfg(test)]
mod tests {
    use super::same_site;

    #[test]
    fn only_pages_of_the_accounts_ent_are_opened() {
        let ent = "https://ent.example.org";
        assert!(same_site(ent, "https://ent.example.org/auth/revalidate-terms").is_some());
        assert!(same_site(ent, "https://evil.example/auth/revalidate-terms").is_none());
        assert!(same_site(ent, "http://ent.example.org/auth/revalidate-terms").is_none());
        assert!(same_site(ent, "https://ent.example.org.evil.example/").is_none());
        assert!(same_site(ent, "javascript:alert(1)").is_none());
        assert!(same_site(ent, "/auth/revalidate-terms").is_none());
    }
}
