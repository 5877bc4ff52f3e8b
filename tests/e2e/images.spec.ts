/**
 * The Images page against the private engine: the status chips flag exactly the images that
 * should be flagged, and the table's sorting, filtering, selection, details and protection work
 * from the mouse and the keyboard.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, test } from './support/drydock-server'
import { buildFixtureWorld, WORLD_IMAGES, type FixtureWorld } from './support/world'
import { loadImages } from '../support/image-archive'

const screenshots = join(__dirname, '../../artifacts/screenshots')
mkdirSync(screenshots, { recursive: true })

let world: FixtureWorld | undefined

test.beforeAll(async ({ testEngine }) => {
  world = await buildFixtureWorld(testEngine.docker, 'e2e-images')
})

test.afterAll(async () => {
  await world?.remove()
})

function theWorld(): FixtureWorld {
  if (!world) throw new Error('the fixture world was not built')
  return world
}

async function openImages(page: Page, url: string): Promise<void> {
  await page.goto(`${url}#/images`)
  await expect(page.getByRole('heading', { level: 1, name: 'Images' })).toBeVisible()
  await expect(page.getByRole('table', { name: 'Images' })).toBeVisible()
}

function filterBox(page: Page) {
  return page.getByRole('searchbox', { name: /filter images/i })
}

/** What the flick test records in the page, whenever the table says it is flicking. */
interface FlickRecord {
  rows: number
  checkboxes: number
  references: number
}
interface FlickGlobals {
  flickSeen: FlickRecord[]
  MutationObserver: new (callback: () => void) => {
    observe(target: unknown, options: object): void
  }
  requestAnimationFrame: (callback: () => void) => number
}

function rowOf(page: Page, id: string) {
  return page.locator(`tr[data-image-id="${id}"]`)
}

test.describe('the Images page', () => {
  test('flags exactly the images used by running and stopped containers, the parent, the multi-tagged and the dangling one', async ({
    page,
    isolatedDrydock,
  }) => {
    const { images, expectedStatuses } = theWorld()
    const problems: string[] = []
    page.on('pageerror', (error) => problems.push(error.message))
    await openImages(page, isolatedDrydock.url)

    // Each world image alone (its full ID is unique), then its chips, exactly.
    for (const name of WORLD_IMAGES) {
      const { id } = images[name]
      await filterBox(page).fill(id)
      const row = rowOf(page, id)
      await expect(row, `${name} is listed`).toHaveCount(1)
      const chips = await row
        .locator('[data-status]')
        .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-status')))
      expect(chips.sort(), `chips of ${name}`).toEqual([...expectedStatuses[name]].sort())
    }

    // The status filters agree: "Dangling" shows the dangling image and none of the others.
    await filterBox(page).fill('')
    await page.getByRole('button', { name: /^Dangling/ }).click()
    await expect(rowOf(page, images.dangling.id)).toHaveCount(1)
    for (const name of WORLD_IMAGES.filter((n) => n !== 'dangling')) {
      await expect(rowOf(page, images[name].id)).toHaveCount(0)
    }
    await page.getByRole('button', { name: /^Dangling/ }).click()
    expect(problems).toEqual([])
  })

  test('sorts, expands a row into its containers, children and references, and multi-selects', async ({
    page,
    isolatedDrydock,
  }) => {
    const { images, prefix, containers } = theWorld()
    await openImages(page, isolatedDrydock.url)
    await filterBox(page).fill(prefix)
    const table = page.getByRole('table', { name: 'Images' })
    const tagged = WORLD_IMAGES.filter((name) => name !== 'dangling')
    await expect(table.locator('tbody tr[data-image-id]')).toHaveCount(tagged.length)

    // Sort by repository:tag, ascending then descending.
    const header = table.getByRole('columnheader', { name: 'Repository:tag' })
    await header.getByRole('button').click()
    await expect(header).toHaveAttribute('aria-sort', 'ascending')
    const references = () =>
      table
        .locator('tbody tr[data-image-id] .images-ref')
        .evaluateAll((cells) => cells.map((cell) => cell.getAttribute('title')!.split('\n')[0]!))
    const ascending = await references()
    expect(ascending).toEqual([...ascending].sort((a, b) => a.localeCompare(b)))
    await header.getByRole('button').click()
    await expect(header).toHaveAttribute('aria-sort', 'descending')
    const descending = await references()
    expect(descending).toEqual([...ascending].reverse())

    // The running image's details name its container; the parent's name its child.
    await rowOf(page, images.running.id)
      .getByRole('button', { name: /^Details of/ })
      .click()
    const runningDetails = page.getByRole('group', { name: /^Details of .*running/ })
    await expect(runningDetails).toContainText(containers.running.name)
    await expect(runningDetails).toContainText('running')
    await expect(runningDetails).toContainText(images.running.tags[0]!)
    await rowOf(page, images.parent.id)
      .getByRole('button', { name: /^Details of/ })
      .click()
    const parentDetails = page.getByRole('group', { name: /^Details of .*parent/ })
    await expect(parentDetails).toContainText('Children (1)')
    // The children list (in the Family facts) names the child by its tag.
    await expect(parentDetails.locator('dd li', { hasText: images.child.tags[0]! })).toHaveCount(1)
    // The sharers are asked for when the details open: the child holds all its parent's layers.
    // (The open details are closed first: the child's row would be below the table's fold.)
    await page.getByRole('button', { name: /^Details of .*running/ }).click()
    await page.getByRole('button', { name: /^Details of .*parent/ }).click()
    await rowOf(page, images.child.id)
      .getByRole('button', { name: /^Details of/ })
      .click()
    const childDetails = page.getByRole('group', { name: /^Details of .*child/ })
    const parentAsSharer = childDetails.locator('.image-detail__sharer', {
      hasText: images.parent.tags[0]!,
    })
    await expect(parentAsSharer).toHaveCount(1)
    // Closed and opened again within the same list: shown from the answer already given.
    let asked = 0
    page.on('request', (request) => {
      if (request.url().endsWith('/getImageSharers')) asked += 1
    })
    await page.getByRole('button', { name: /^Details of .*child/ }).click()
    await page.getByRole('button', { name: /^Details of .*child/ }).click()
    await expect(parentAsSharer).toHaveCount(1)
    expect(asked).toBe(0)

    // Click one checkbox, shift-click another: the range between them is selected.
    await page.getByRole('button', { name: /^Details of .*child/ }).click()
    const boxes = table.locator('tbody input[type="checkbox"]')
    await boxes.nth(0).click()
    await boxes.nth(3).click({ modifiers: ['Shift'] })
    await expect(page.getByText('4 images selected')).toBeVisible()

    // Keyboard: Shift+↓ from the fourth row extends the selection to the fifth.
    await boxes.nth(3).focus()
    await page.keyboard.press('Shift+ArrowDown')
    await expect(page.getByText('5 images selected')).toBeVisible()
    await expect(boxes.nth(4)).toBeFocused()
    // ↓ moves without selecting; Space toggles.
    await page.keyboard.press('ArrowDown')
    await expect(boxes.nth(5)).toBeFocused()
    await page.keyboard.press('Space')
    await expect(page.getByText('6 images selected')).toBeVisible()

    // The actions name what they do and open the cleanup preview with the selection.
    await page.getByRole('button', { name: 'Clear selection' }).click()
    await expect(page.getByText('No image selected')).toBeVisible()
    await expect(page.getByRole('button', { name: 'Remove', exact: true })).toBeDisabled()
    await rowOf(page, images.plain.id).getByRole('checkbox').check()
    await page.getByRole('button', { name: 'Remove', exact: true }).click()
    await expect(page).toHaveURL(new RegExp(`#/cleanup\\?images=${images.plain.id}$`))
  })

  test('protect and unprotect change the protected patterns in Settings', async ({
    page,
    isolatedDrydock,
  }) => {
    const { images } = theWorld()
    await openImages(page, isolatedDrydock.url)
    await filterBox(page).fill(images.multi.id)
    await rowOf(page, images.multi.id).getByRole('checkbox').check()

    const token = new URL(isolatedDrydock.url).searchParams.get('token')!
    const patterns = async (): Promise<string[]> => {
      const response = await page.request.post(`${isolatedDrydock.origin}/api/call/getSettings`, {
        headers: { Authorization: `Bearer ${token}` },
        data: {},
      })
      return ((await response.json()) as { value: { protectedPatterns: string[] } }).value
        .protectedPatterns
    }

    await page.getByRole('button', { name: 'Protect', exact: true }).click()
    await expect(page.getByRole('status').filter({ hasText: 'Protected 1 image' })).toBeVisible()
    expect(await patterns()).toEqual(expect.arrayContaining(images.multi.tags))

    await page.getByRole('button', { name: 'Unprotect', exact: true }).click()
    await expect(
      page.getByRole('status').filter({ hasText: 'Removed the protection' }),
    ).toBeVisible()
    for (const tag of images.multi.tags) expect(await patterns()).not.toContain(tag)
  })

  test('a flick draws light rows (reference and sizes, no controls), and full rows once it stops', async ({
    page,
    isolatedDrydock,
    testEngine,
  }) => {
    // Enough images that a few wheel steps of more than the table's height each show new rows.
    const prefix = `e2e-flick-${process.pid}`
    const loaded = await loadImages(
      testEngine.docker,
      Array.from({ length: 100 }, (_, index) => ({
        tags: [`${prefix}/img-${String(index).padStart(3, '0')}:1`],
        created: '2024-01-01T00:00:00Z',
        layers: [{ files: { [`/data/${index}`]: `image ${index}` } }],
      })),
    )
    try {
      await openImages(page, isolatedDrydock.url)
      await filterBox(page).fill(prefix)
      const table = page.getByRole('table', { name: 'Images' })
      await expect(table.locator('tbody tr[data-image-id]').first()).toBeVisible()
      // What the rows held whenever the table said it was flicking (a flick ends within 150 ms of
      // its last wheel step: too soon to look at from here).
      await table.locator('tbody').evaluate((body) => {
        const page = globalThis as unknown as FlickGlobals
        const seen: FlickRecord[] = []
        page.flickSeen = seen
        new page.MutationObserver(() => {
          if (!body.hasAttribute('data-flicking')) return
          seen.push({
            rows: body.querySelectorAll('tr[data-image-id]').length,
            checkboxes: body.querySelectorAll('input[type="checkbox"]').length,
            references: [...body.querySelectorAll('.images-table__cell--reference')].filter(
              (cell) => cell.textContent?.includes('img-'),
            ).length,
          })
        }).observe(body, { subtree: true, childList: true, attributes: true, characterData: true })
      })
      const box = (await page.locator('.images-table__scroller').boundingBox())!
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
      // Each step its own frame (a wheel event is sent, not waited for): light rows take two frames
      // in a row of all new rows, and the first frame of a scroll does not count.
      for (let step = 0; step < 5; step += 1) {
        await page.mouse.wheel(0, box.height + 200)
        await page.evaluate(
          () =>
            new Promise<void>((resolve) => {
              const page = globalThis as unknown as FlickGlobals
              page.requestAnimationFrame(() => page.requestAnimationFrame(() => resolve()))
            }),
        )
      }
      await expect
        .poll(() => page.evaluate(() => (globalThis as unknown as FlickGlobals).flickSeen.length), {
          message: 'the table flicked',
        })
        .toBeGreaterThan(0)
      const seen = await page.evaluate(() => (globalThis as unknown as FlickGlobals).flickSeen)
      for (const rows of seen) {
        expect(rows.checkboxes, 'a light row has no controls').toBe(0)
        expect(rows.references, 'a light row names its image').toBe(rows.rows)
      }
      // Stopped: full rows, each with its checkbox, and the keyboard moves between them.
      await expect(table.locator('tbody[data-flicking]')).toHaveCount(0)
      const rendered = await table.locator('tbody tr[data-image-id]').count()
      await expect(table.locator('tbody input[type="checkbox"]')).toHaveCount(rendered)
      await table.locator('tbody input[type="checkbox"]').first().focus()
      await page.keyboard.press('Home')
      // Home jumps the whole table in one frame: a keyboard move is never a flick.
      await expect(
        table.locator('tbody tr[aria-rowindex="2"] input[type="checkbox"]'),
      ).toBeFocused()
    } finally {
      for (const image of loaded) await testEngine.docker.getImage(image.id).remove()
    }
  })

  test('screenshot of the Images page', async ({ page, isolatedDrydock }) => {
    const { prefix, images } = theWorld()
    await openImages(page, isolatedDrydock.url)
    await filterBox(page).fill(prefix)
    await rowOf(page, images.running.id)
      .getByRole('button', { name: /^Details of/ })
      .click()
    await rowOf(page, images.multi.id).getByRole('checkbox').check()
    await page.screenshot({ path: join(screenshots, 'images.png') })
  })
})
