// The mailbox UI's public surface, for App.tsx.
export { Mailbox, type MailboxProps } from "./Mailbox";
export { SignIn, type SignInProps } from "./SignIn";
export type { MailboxApi, SignInApi } from "./api";
export { FixtureApi } from "./fixtures";
export * from "./types";
export type { ComposeApi, ComposeEvent } from "../composer/api";
export { ComposeFixture } from "../composer/fixtures";
