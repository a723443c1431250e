export { ShortcutsDialog } from "./ShortcutsDialog";
export { ariaKeys, isTyping, keysLabel, SHORTCUTS, shortcutFor, type Shortcut, type ShortcutId } from "./shortcuts";
