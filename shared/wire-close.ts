// The WebSocket close code for a sign-in that was refused (see "the wire" in ./api.ts). Kept in a
// zod-free module so the renderer can name it without bundling zod.
export const WS_CLOSE_UNAUTHORIZED = 4401;
