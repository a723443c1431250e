// The only module that touches @tauri-apps/api: everything else works against the `MailboxApi`
// and `SignInApi` interfaces, so the UI runs in a browser or in vitest against fixtures. Each
// method is one Tauri command of src-tauri/src/commands (argument names in camelCase, as Tauri
// maps them to the Rust snake_case ones).
import { Channel, invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { ComposeApi, ComposeEvent } from "./composer/api";
import type { MailboxApi, SignInApi } from "./mailbox/api";
import type { SettingsApi } from "./settings/api";
import type { PrintApi } from "./print/api";
import { isWritingEvent, type WritingApi, type WritingEvent } from "./writing/api";
import type { RecallStatus } from "./bindings/RecallStatus";
import type { ScheduledSend } from "./bindings/ScheduledSend";
import type { Signature } from "./bindings/Signature";
import type { DownloadProgress } from "./bindings/DownloadProgress";
import type { AccountInfo } from "./bindings/AccountInfo";
import type { AppInfo } from "./bindings/AppInfo";
import type { Attachment } from "./bindings/Attachment";
import type { Connector } from "./bindings/Connector";
import type { Credentials } from "./bindings/Credentials";
import type { DemoRole } from "./bindings/DemoRole";
import type { DraftContent } from "./bindings/DraftContent";
import type { DraftView } from "./bindings/DraftView";
import type { Folder } from "./bindings/Folder";
import type { LaunchedAgain } from "./bindings/LaunchedAgain";
import type { MailboxEvent } from "./bindings/MailboxEvent";
import type { MessageSummary } from "./bindings/MessageSummary";
import type { ConversationSummary } from "./bindings/ConversationSummary";
import type { Message } from "./bindings/Message";
import type { OpenOutcome } from "./bindings/OpenOutcome";
import type { Picked } from "./bindings/Picked";
import type { Quota } from "./bindings/Quota";
import type { RefusedRecipient } from "./bindings/RefusedRecipient";
import type { SearchHit } from "./bindings/SearchHit";
import type { SignInResult } from "./bindings/SignInResult";
import type { Startup } from "./bindings/Startup";
import type { Unsent } from "./bindings/Unsent";
import type { Visible } from "./bindings/Visible";
import type { OpenedMessage } from "./bindings/OpenedMessage";
import type { PaneWidths } from "./bindings/PaneWidths";
import type { Settings } from "./bindings/Settings";
import type { InlineImage } from "./bindings/InlineImage";
import type { OpenAccount } from "./bindings/OpenAccount";
import type { UnifiedLine } from "./bindings/UnifiedLine";

export function appInfo(): Promise<AppInfo> {
  return invoke<AppInfo>("app_info");
}

export function startup(): Promise<Startup> {
  return invoke<Startup>("startup");
}

/** A download's progress reports, through a Tauri channel (to this call only). */
function progressChannel(onProgress?: (p: DownloadProgress) => void): Channel<DownloadProgress> {
  const channel = new Channel<DownloadProgress>();
  if (onProgress) channel.onmessage = onProgress;
  return channel;
}

/**
 * The app was launched again while this window is open (one instance only): `demo` when that
 * launch asked for the demo. Returns the function that stops listening.
 */
export function onLaunchedAgain(listener: (launch: { demo: boolean }) => void): () => void {
  const pending = listen<LaunchedAgain>("launched-again", (e) => listener(e.payload));
  return () =>
    void pending
      .then((stop) => stop())
      .catch(() => {
        // The window is going away: nothing left to stop.
      });
}

/** What must be saved before the app quits (the composer's open draft), registered by the window. */
const beforeQuit = new Set<() => Promise<void>>();
let quitListened = false;

/**
 * « Quitter » (the tray, or closing the window when it does not go into the tray): the backend
 * asks first; everything registered saves, then the app is told it may quit.
 */
function listenForQuit(): void {
  if (quitListened) return;
  quitListened = true;
  void listen("quit-requested", () => {
    void Promise.allSettled([...beforeQuit].map((save) => save())).then(() => invoke("quit_app"));
  });
}

function isComposeEvent(e: MailboxEvent): e is ComposeEvent {
  return e.kind === "sent" || e.kind === "filesDropped" || e.kind === "actionRefused" || e.kind === "uploadProgress";
}

/** The backend of the mailbox window and its composer, over Tauri commands and events. */
export class TauriApi implements MailboxApi, SignInApi, ComposeApi, SettingsApi, WritingApi, PrintApi {
  constructor() {
    listenForQuit();
  }
  signIn(credentials: Credentials): Promise<SignInResult> {
    return invoke("sign_in", { credentials });
  }
  signInWithEntPage(entUrl: string, connector?: Connector): Promise<SignInResult> {
    return invoke("sign_in_with_ent_page", { entUrl, connector: connector ?? null });
  }
  startDemo(role: DemoRole): Promise<SignInResult> {
    return invoke("start_demo", { role });
  }
  account(): Promise<AccountInfo> {
    return invoke("account");
  }
  accounts(): Promise<OpenAccount[]> {
    return invoke("accounts");
  }
  /** The account the window now shows: the composer's and writing events follow it. */
  private shownAccount: string | null = null;
  async showAccount(id: string): Promise<AccountInfo> {
    const account = await invoke<AccountInfo>("show_account", { id });
    this.shownAccount = account.id;
    return account;
  }
  /** The window shows `id` (the backend already does: a sign-in, the first screen). */
  shown(id: string | null): void {
    this.shownAccount = id;
  }
  removeAccount(id: string): Promise<void> {
    return invoke("remove_account", { id });
  }
  unifiedInbox(offset: number, limit: number): Promise<UnifiedLine[]> {
    return invoke("unified_inbox", { offset, limit });
  }
  folders(): Promise<Folder[]> {
    return invoke("folders");
  }
  maxFolderDepth(): Promise<number> {
    return invoke("max_folder_depth");
  }
  list(folderId: string, offset: number, limit: number): Promise<MessageSummary[]> {
    return invoke("list", { folderId, offset, limit });
  }
  listConversations(folderId: string, offset: number, limit: number): Promise<ConversationSummary[]> {
    return invoke("list_conversations", { folderId, offset, limit });
  }
  conversation(id: string): Promise<Message[]> {
    return invoke("conversation", { id });
  }
  read(id: string): Promise<OpenedMessage> {
    return invoke("read", { id });
  }
  setUnread(ids: string[], unread: boolean): Promise<void> {
    return invoke("set_unread", { ids, unread });
  }
  trash(ids: string[]): Promise<void> {
    return invoke("trash", { ids });
  }
  restore(ids: string[]): Promise<void> {
    return invoke("restore", { ids });
  }
  deleteForever(ids: string[]): Promise<void> {
    return invoke("delete_forever", { ids });
  }
  emptyTrash(): Promise<void> {
    return invoke("empty_trash");
  }
  moveToFolder(ids: string[], folderId: string): Promise<void> {
    return invoke("move_to_folder", { ids, folderId });
  }
  moveToInbox(ids: string[]): Promise<void> {
    return invoke("move_to_inbox", { ids });
  }
  createFolder(name: string, parentId: string | null): Promise<string> {
    return invoke("create_folder", { name, parentId });
  }
  renameFolder(id: string, name: string): Promise<void> {
    return invoke("rename_folder", { id, name });
  }
  deleteFolder(id: string): Promise<void> {
    return invoke("delete_folder", { id });
  }
  search(text: string): Promise<SearchHit[]> {
    return invoke("search", { text });
  }
  sync(): Promise<void> {
    return invoke("sync");
  }
  pendingMessageIds(): Promise<string[]> {
    return invoke("pending_message_ids");
  }
  openAttachment(
    messageId: string,
    attachmentId: string,
    options?: { insist?: boolean; onProgress?: (p: DownloadProgress) => void },
  ): Promise<OpenOutcome> {
    const onProgress = progressChannel(options?.onProgress);
    return invoke("open_attachment", { messageId, attachmentId, insist: options?.insist ?? false, onProgress });
  }
  saveAttachmentAs(
    messageId: string,
    attachmentId: string,
    onProgress?: (p: DownloadProgress) => void,
  ): Promise<void> {
    return invoke("save_attachment_as", { messageId, attachmentId, onProgress: progressChannel(onProgress) });
  }
  openLink(url: string): Promise<void> {
    return invoke("open_link", { url });
  }
  showRemoteImages(id: string): Promise<string> {
    return invoke("show_remote_images", { id });
  }
  showEntImages(id: string): Promise<string> {
    return invoke("show_ent_images", { id });
  }
  openEntPage(url: string): Promise<void> {
    return invoke("open_ent_page", { url });
  }
  reconnect(): Promise<SignInResult> {
    return invoke("reconnect");
  }
  /** Written in the language of the settings (the backend reads them). */
  notifyNewMail(messageIds: string[], account?: string): Promise<void> {
    return invoke("notify_new_mail", { messageIds, account: account ?? null });
  }
  inboxDrawn(messageCount: number): Promise<void> {
    return invoke("inbox_drawn", { messages: messageCount });
  }
  setWindowTitle(title: string, unread?: number, lang?: string): Promise<void> {
    return invoke("set_window_title", { title, unread: unread ?? null, lang: lang ?? null });
  }
  unsentWork(): Promise<Unsent> {
    return invoke("unsent_work");
  }
  paneWidths(): Promise<PaneWidths | null> {
    return invoke("pane_widths");
  }
  setPaneWidths(widths: PaneWidths): Promise<void> {
    return invoke("set_pane_widths", { widths });
  }
  onQuitRequested(save: () => Promise<void>): () => void {
    beforeQuit.add(save);
    return () => {
      beforeQuit.delete(save);
    };
  }
  signOut(options: { eraseLocalCopy: boolean }): Promise<void> {
    return invoke("sign_out", { eraseLocalCopy: options.eraseLocalCopy });
  }

  // ---- « Paramètres » -----------------------------------------------------------------

  settings(): Promise<Settings> {
    return invoke("settings");
  }
  saveSettings(settings: Settings): Promise<Settings> {
    return invoke("save_settings", { settings });
  }
  forgetPassword(): Promise<void> {
    return invoke("forget_password");
  }

  // ---- composer ------------------------------------------------------------------------

  suggestRecipients(query: string): Promise<Visible[]> {
    return invoke("suggest_recipients", { query });
  }
  checkRecipients(ids: string[]): Promise<RefusedRecipient[]> {
    return invoke("check_recipients", { ids });
  }
  quota(): Promise<Quota> {
    return invoke("quota");
  }
  newDraft(): DraftView {
    return { id: null, subject: "", body: "", to: [], cc: [], cci: [], inReplyTo: null, attachments: [] };
  }
  openDraft(id: string): Promise<DraftView> {
    return invoke("open_draft", { id });
  }
  replyDraft(id: string, all: boolean): Promise<DraftView> {
    return invoke("reply_draft", { id, all });
  }
  forwardDraft(id: string): Promise<DraftView> {
    return invoke("forward_draft", { id });
  }
  saveDraft(id: string | null, content: DraftContent): Promise<string> {
    return invoke("save_draft", { id, content });
  }
  deleteDraft(id: string): Promise<void> {
    return invoke("delete_draft", { id });
  }
  send(id: string | null, content: DraftContent, undoSeconds: number): Promise<string> {
    return invoke("send_message", { id, content, undoSeconds });
  }
  cancelSend(id: string): Promise<boolean> {
    return invoke("cancel_send", { id });
  }
  /** The native file dialog, titled in the window's language (App sets `<html lang>`). */
  pickFiles(): Promise<Picked[]> {
    return invoke("pick_files", { lang: document.documentElement.lang || "fr" });
  }
  addAttachment(draftId: string, token: string): Promise<Attachment> {
    return invoke("add_attachment", { draftId, token });
  }
  removeAttachment(draftId: string, attachmentId: string): Promise<void> {
    return invoke("remove_attachment", { draftId, attachmentId });
  }
  insertImage(token: string): Promise<InlineImage> {
    return invoke("insert_image", { token });
  }
  entImage(src: string): Promise<string | null> {
    return invoke("ent_image", { src });
  }
  /** The composer's events, from the same `mailbox` event stream (the shown account's). */
  subscribeCompose(listener: (e: ComposeEvent) => void): () => void {
    return this.subscribe((e) => {
      if (isComposeEvent(e) && this.ofShown(e)) listener(e);
    });
  }
  /** An event of the shown account, or of none (the window's own). */
  private ofShown(e: MailboxEvent): boolean {
    return !e.account || this.shownAccount === null || e.account === this.shownAccount;
  }

  signature(): Promise<Signature> {
    return invoke("signature");
  }
  setSignature(signature: Signature): Promise<void> {
    return invoke("set_signature", { signature });
  }
  signatureBlock(): Promise<string> {
    return invoke("signature_block");
  }
  recallStatus(id: string): Promise<RecallStatus> {
    return invoke("recall_status", { id });
  }
  recall(id: string): Promise<void> {
    return invoke("recall_message", { id });
  }
  scheduleMessage(id: string | null, content: DraftContent, due: number): Promise<string> {
    return invoke("schedule_message", { id, content, due });
  }
  scheduledMessages(): Promise<ScheduledSend[]> {
    return invoke("scheduled_messages");
  }
  sendScheduledNow(id: string): Promise<boolean> {
    return invoke("send_scheduled_now", { id });
  }
  quietHoursEnd(): Promise<number | null> {
    return invoke("quiet_hours_end");
  }
  cancelScheduled(id: string): Promise<boolean> {
    return invoke("cancel_scheduled", { id });
  }
  printDocument(title: string, lang: string, html: string): Promise<boolean> {
    return invoke("print_document", { title, lang, html });
  }
  /** Issue 16's events, from the same `mailbox` event stream. */
  subscribeWriting(listener: (e: WritingEvent) => void): () => void {
    return this.subscribe((e) => {
      if (isWritingEvent(e) && this.ofShown(e)) listener(e);
    });
  }

  /** The `mailbox` event stream: the core's events and the app's (one shape, from Rust). */
  subscribe(listener: (event: MailboxEvent) => void): () => void {
    const pending = listen<MailboxEvent>("mailbox", (e) => listener(e.payload));
    return () => void pending.then((stop) => stop());
  }
}
