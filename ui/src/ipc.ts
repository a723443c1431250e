// The only module that touches @tauri-apps/api: everything else imports typed functions from
// here, so the UI runs in a browser or in vitest against fixtures.
import { invoke } from "@tauri-apps/api/core";

export interface AppInfo {
  name: string;
  version: string;
}

export interface CommandError {
  kind: string;
  message: string;
}

export function appInfo(): Promise<AppInfo> {
  return invoke<AppInfo>("app_info");
}

export function notifyNewMail(summary: string, body: string): Promise<void> {
  return invoke("notify_new_mail", { summary, body });
}
