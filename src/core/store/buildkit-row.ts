/** A row of the layer cache for an image with a layer BuildKit made, or may have made: one whose
 * history was never read (ImageLayerCache.knowsBuildKit, build-kit-hint.ts). */
export const BUILDKIT_ROW = `SELECT 1 AS found FROM image_layers WHERE instr(layers_json, '"buildkit":true') > 0 OR instr(layers_json, '"derived":true') > 0 LIMIT 1`
