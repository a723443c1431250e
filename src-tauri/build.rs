fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(
            tauri_build::AppManifest::new().commands(&["notify_new_mail", "app_info"]),
        ),
    )
    .expect("tauri-build: cannot generate the app's context (is ui/dist built? run `make ui`)");
}
