// What a host may be called: a name that is safe in labels, file names and the CLI. Kept apart
// from the API's schemas so that the renderer can check a name without bundling zod (whose
// `new Function` probe the app's Content-Security-Policy refuses).
export const HOST_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;
