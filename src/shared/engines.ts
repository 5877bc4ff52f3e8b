/** The engines Drydock knows of, and which one the window is looking at. */
import { z } from 'zod'
import { lazySchema } from './lazy-schema'

export const DiscoveredEngineSchema = lazySchema(() =>
  z.strictObject({
    host: z.string(),
    /** "Docker Desktop", "context colima", "Podman (rootless)", "DOCKER_HOST", "Settings"... */
    name: z.string(),
    /** How it was found: the environment, a docker context, a well-known socket, Settings. */
    source: z.string(),
  }),
)

export const EngineEntrySchema = lazySchema(() =>
  DiscoveredEngineSchema.extend({
    /** The engine this client's pages show and plan on. */
    current: z.boolean(),
    /** Sampled (usage history, alerts) even while another engine is shown. */
    followed: z.boolean(),
  }),
)

export type DiscoveredEngine = z.infer<typeof DiscoveredEngineSchema>
export type EngineEntry = z.infer<typeof EngineEntrySchema>
