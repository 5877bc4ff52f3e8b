/** Browser mode's preloaded answers: the element the server writes into index.html. */
import { describe, expect, it } from 'vitest'
import { PRELOADED_ELEMENT_ID, preloadedElement } from '../../src/shared/preloaded'

describe('preloaded answers', () => {
  it('are JSON in a data block that nothing in the answers can close', () => {
    const answers = { getLatestUsage: { ok: true, value: { host: 'tcp://x</script><b>' } } }
    const element = preloadedElement(answers)
    expect(
      element.startsWith(`<script type="application/json" id="${PRELOADED_ELEMENT_ID}">`),
    ).toBe(true)
    // One closing tag: the element's own.
    expect(element.match(/<\/script>/g)).toHaveLength(1)
    const json = element.slice(element.indexOf('>') + 1, element.lastIndexOf('</script>'))
    expect(JSON.parse(json)).toEqual(answers)
  })
})
