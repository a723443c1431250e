import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { followSystemTheme } from "./theme/theme";
import "./styles.css";

// Before the first render: a dark desktop never sees a light flash.
followSystemTheme(document.documentElement, window.matchMedia("(prefers-color-scheme: dark)"));

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
