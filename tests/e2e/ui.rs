//! What a user does and sees in the mailbox window, in WebDriver terms: the tests read as the
//! user guide's use cases and the selectors live here, once.
use thirtyfour::components::SelectElement;
use thirtyfour::{By, WebElement, WindowHandle};

use crate::harness::{wait_until, App, EFFECT};

/// The input of a field of the sign-in screen, by its label.
fn sign_in_field(label: &str) -> By {
    By::XPath(format!("//form//label[contains(., \"{label}\")]//input"))
}

/// The sign-in screen's « Adresse de l'ENT » field (its presence says the screen shows).
pub fn ent_address_field() -> By {
    sign_in_field("Adresse de l'ENT")
}

/// Types `ent_url` in the sign-in screen's « Adresse de l'ENT », replacing what it held.
pub async fn type_ent_address(app: &App, ent_url: &str) {
    let address = app.find("the address field", ent_address_field()).await;
    address.clear().await.expect("clear the address");
    address.send_keys(ent_url).await.expect("type the address");
}

/// Signs in through the sign-in screen's form.
pub async fn sign_in(app: &App, ent_url: &str, login: &str, password: &str) {
    let field = sign_in_field;
    for (label, value) in [
        ("Adresse de l'ENT", ent_url),
        ("Identifiant", login),
        ("Mot de passe", password),
    ] {
        let input = app
            .find(&format!("the « {label} » field"), field(label))
            .await;
        input.clear().await.expect("clear a field");
        input.send_keys(value).await.expect("type in a field");
    }
    click(app, "Se connecter", By::XPath("//button[@type='submit']")).await;
    folder(app, "inbox").await;
}

/// Clicks `open` (the sign-in screen's « Se connecter avec la page de l'ENT », the banner's
/// « Se reconnecter ») and switches to the ENT window it opens; returns the main window.
pub async fn switch_to_ent_window(app: &App, open: By) -> WindowHandle {
    let main = app.driver.window().await.expect("the main window");
    click(app, "the button that opens the ENT's window", open).await;
    let login_window = wait_until(
        "the ENT's login window",
        crate::harness::STARTUP,
        || async {
            let handles = app.driver.windows().await.ok()?;
            handles.into_iter().find(|h| *h != main)
        },
    )
    .await;
    app.driver
        .switch_to_window(login_window)
        .await
        .expect("switch to the login window");
    main
}

/// Types `values` (field name, value) in the page of the ENT window and submits it.
async fn fill_and_submit(app: &App, values: &[(&str, &str)]) {
    for (name, value) in values {
        app.find(
            &format!("the {name} field"),
            By::Css(format!("input[name='{name}']")),
        )
        .await
        .send_keys(*value)
        .await
        .expect("type in the ENT's window");
    }
    click(app, "the submit button", By::Css("button[type='submit']")).await;
}

/// Signs in on the ENT's own login page, in the app's ENT window that `open` opens, then goes
/// back to the main window.
pub async fn sign_in_on_ent_window(app: &App, open: By, login: &str, password: &str) {
    let main = switch_to_ent_window(app, open).await;
    fill_and_submit(app, &[("email", login), ("password", password)]).await;
    app.driver
        .switch_to_window(main)
        .await
        .expect("back to the main window");
}

/// The ENT login page's link to its identity provider (ent-server's ÉduConnect stand-in).
pub fn educonnect_link() -> By {
    By::XPath("//a[normalize-space(.)='Se connecter avec ÉduConnect']")
}

/// Signs in through the identity provider: in the ENT window that `open` opens, « Se connecter
/// avec ÉduConnect » on the ENT's login page, then the login and password on the IdP's page;
/// back to the main window.
pub async fn sign_in_with_educonnect(app: &App, open: By, login: &str, password: &str) {
    let main = switch_to_ent_window(app, open).await;
    click(app, "« Se connecter avec ÉduConnect »", educonnect_link()).await;
    fill_and_submit(app, &[("login", login), ("password", password)]).await;
    app.driver
        .switch_to_window(main)
        .await
        .expect("back to the main window");
}

/// Clicks what `by` finds, finding it again when the window re-rendered it between the find
/// and the click (a stale element: the list refreshed by a sync, say).
pub async fn click(app: &App, what: &str, by: By) {
    wait_until(what, EFFECT, || async {
        app.driver.find(by.clone()).await.ok()?.click().await.ok()
    })
    .await;
}

/// Chooses the option `option` of the `<select>` `by` finds, finding it again when the window
/// re-rendered it meanwhile (its options change when a folder is created).
pub async fn choose(app: &App, what: &str, by: By, option: &str) {
    wait_until(what, EFFECT, || async {
        let select = app.driver.find(by.clone()).await.ok()?;
        SelectElement::new(&select)
            .await
            .ok()?
            .select_by_visible_text(option)
            .await
            .ok()
    })
    .await;
}

/// The folder entry with its id (`inbox`, `outbox`, `draft`, `trash` or a user folder's id).
fn folder_entry(id: &str) -> By {
    By::Css(format!("[role='treeitem'][data-folder='{id}']"))
}

/// The folder entry with its id (see [`folder_entry`]).
pub async fn folder(app: &App, id: &str) -> WebElement {
    app.find(&format!("the folder {id}"), folder_entry(id))
        .await
}

/// Clicks a folder entry: the list shows that folder (the trash, for a test that wants a new
/// message notified: the window is not showing the inbox).
pub async fn open_folder(app: &App, id: &str) {
    click(app, &format!("the folder {id}"), folder_entry(id)).await;
}

/// Waits until the inbox entry shows `count` unread messages (`what` says why, for the failure).
pub async fn wait_inbox_unread(app: &App, what: &str, count: u32) {
    wait_until(what, EFFECT, || async {
        let label = folder_label(app, "inbox").await;
        (count_in(&label) == count).then_some(())
    })
    .await;
}

/// The text of a folder entry, e.g. « Boîte de réception (2) ».
pub async fn folder_label(app: &App, id: &str) -> String {
    // textContent: WebKitWebDriver's visible text of a tree item comes back empty. Found again
    // when a refresh drew the entry anew in between.
    wait_until(&format!("the folder {id}'s text"), EFFECT, || async {
        let entry = app.driver.find(folder_entry(id)).await.ok()?;
        Some(entry.prop("textContent").await.ok()?.unwrap_or_default())
    })
    .await
}

/// The folder entry whose name is `name`.
pub fn folder_named(name: &str) -> By {
    By::XPath(format!(
        "//li[@role='treeitem'][starts-with(normalize-space(.), \"{name}\")]"
    ))
}

/// The list row whose subject contains `subject`.
pub fn row(subject: &str) -> By {
    By::XPath(format!(
        "//div[@role='row'][.//div[contains(@class,'mbx-cell-subject')][contains(., \"{subject}\")]]"
    ))
}

/// Waits until a row with `subject` is listed (no click).
pub async fn wait_for_row(app: &App, subject: &str) -> WebElement {
    app.find(&format!("the row « {subject} »"), row(subject))
        .await
}

/// Opens the message (or conversation) of the row with `subject`, found again when a refresh
/// drew the list anew between the find and the click (a sync's events right after sign-in).
pub async fn open_row(app: &App, subject: &str) {
    click(app, &format!("the row « {subject} »"), row(subject)).await;
}

/// Waits until no row with `subject` is listed.
pub async fn wait_row_gone(app: &App, subject: &str) {
    wait_until(&format!("the row « {subject} » to go"), EFFECT, || async {
        app.driver
            .find_all(row(subject))
            .await
            .ok()
            .filter(|r| r.is_empty())
            .map(|_| ())
    })
    .await;
}

/// Whether the row with `subject` shows in bold (unread), read again when a refresh drew the
/// list anew in between.
pub async fn is_bold(app: &App, subject: &str) -> bool {
    wait_until(&format!("the weight of « {subject} »"), EFFECT, || async {
        let weight = app
            .driver
            .find(row(subject))
            .await
            .ok()?
            .css_value("font-weight")
            .await
            .ok()?;
        Some(weight == "bold" || weight.parse::<u32>().is_ok_and(|w| w >= 700))
    })
    .await
}

/// Ticks the row's checkbox, and waits until the page shows it ticked (a refresh drawing the
/// row again in between must not lose the click).
pub async fn tick(app: &App, subject: &str) {
    let checkbox = By::XPath(format!(
        "//div[@role='row'][.//div[contains(@class,'mbx-cell-subject')][contains(., \"{subject}\")]]//input[@type='checkbox']"
    ));
    wait_until(&format!("« {subject} » to be ticked"), EFFECT, || async {
        let element = app.driver.find(checkbox.clone()).await.ok()?;
        if element.is_selected().await.ok()? {
            return Some(());
        }
        let _ = element.click().await;
        element.is_selected().await.ok()?.then_some(())
    })
    .await;
}

/// A button by its visible text.
pub fn button(text: &str) -> By {
    By::XPath(format!("//button[normalize-space(.)=\"{text}\"]"))
}

/// Types in the search field.
pub async fn search(app: &App, text: &str) {
    let field = app
        .find("the search field", By::Css("input[type='search']"))
        .await;
    field.send_keys(text).await.expect("type a search");
}

/// The number in parentheses of a folder label, 0 when there is none.
pub fn count_in(label: &str) -> u32 {
    label
        .rsplit_once('(')
        .and_then(|(_, rest)| rest.trim_end_matches(')').parse().ok())
        .unwrap_or(0)
}

/// An element by its `data-testid`.
pub fn testid(id: &str) -> By {
    By::Css(format!("[data-testid='{id}']"))
}

/// « Créer »: an empty composer.
pub async fn compose_new(app: &App) {
    click(app, "« Créer »", testid("compose-new")).await;
    app.find("the composer", testid("composer")).await;
}

/// Types `typed` in a recipient field (`to`, `cc`, `cci`) and picks the suggestion whose text
/// contains `name`.
pub async fn add_recipient(app: &App, field: &str, typed: &str, name: &str) {
    let input = app
        .find(
            &format!("the {field} field"),
            testid(&format!("field-{field}")),
        )
        .await;
    input.send_keys(typed).await.expect("type a name");
    let suggestion = By::XPath(format!(
        "//*[@data-testid='suggestion'][contains(normalize-space(.), \"{name}\")]"
    ));
    click(app, &format!("the suggestion « {name} »"), suggestion).await;
    app.find(
        &format!("the chip « {name} »"),
        By::XPath(format!(
            "//*[@data-testid='chip'][contains(normalize-space(.), \"{name}\")]"
        )),
    )
    .await;
}

/// Fills the subject and types in the body.
pub async fn write(app: &App, subject: &str, body: &str) {
    let field = app.find("the subject", testid("subject")).await;
    field.send_keys(subject).await.expect("type the subject");
    let text = app.find("the body", testid("body")).await;
    text.click().await.expect("focus the body");
    text.send_keys(body).await.expect("type the body");
}

/// Types `text` in the body of a reply or forward just opened: the body has the focus, above
/// the quote, and is drawn again once the quote is in, so the text is typed until the body that
/// stays holds it.
pub async fn write_above_quote(app: &App, text: &str) {
    wait_until("the reply's body to take the text", EFFECT, || async {
        let body = app.driver.find(testid("body")).await.ok()?;
        body.send_keys(text).await.ok()?;
        let typed = body.prop("textContent").await.ok()??;
        typed.contains(text).then_some(())
    })
    .await;
}

/// « Envoyer », enabled.
pub async fn send(app: &App) {
    wait_until("« Envoyer » to be enabled", EFFECT, || async {
        let button = app.driver.find(testid("send")).await.ok()?;
        button.is_enabled().await.ok()?.then_some(())
    })
    .await;
    click(app, "« Envoyer »", testid("send")).await;
}

/// « Supprimer définitivement » on the ticked rows, then the confirmation.
pub async fn delete_for_good(app: &App) {
    click(
        app,
        "« Supprimer définitivement »",
        button("Supprimer définitivement"),
    )
    .await;
    click(
        app,
        "the confirmation",
        By::XPath("//div[@role='dialog']//button[normalize-space(.)='Supprimer définitivement']"),
    )
    .await;
}
