// The composer's public surface.
export { Composer, type ComposerProps } from "./Composer";
export { SendStatus, type SendStatusProps } from "./SendStatus";
export { ComposeFixture } from "./fixtures";
export type * from "./api";
