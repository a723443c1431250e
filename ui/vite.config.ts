import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The app loads ui/dist through Tauri's custom protocol: relative asset paths, no dev server.
export default defineConfig({
  plugins: [react()],
  base: "./",
  clearScreen: false,
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
  // CSS is empty in tests, except where a test reads a stylesheet as text (`?raw`: the theme's
  // contrast check).
  test: { environment: "jsdom", globals: true, css: { include: [/\.css\?raw$/] } },
});
