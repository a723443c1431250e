// « Imprimer »'s backend: ipc.ts implements it over the Tauri command named in brackets.

export interface PrintApi {
  /**
   * [print_document] Hands the print view (its markup, the job's title, the window's language)
   * to the system's print dialog. Resolves `true` when the backend showed the dialog (Linux),
   * `false` when the window must print it with the webview's own print (Windows, macOS).
   */
  printDocument(title: string, lang: string, html: string): Promise<boolean>;
}
