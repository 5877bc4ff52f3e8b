/** The kinds of things Drydock plans and removes (zod-free: the window's first paint needs it). */
export const ITEM_KINDS = ['image', 'container', 'volume', 'build-cache'] as const
export type ItemKind = (typeof ITEM_KINDS)[number]
