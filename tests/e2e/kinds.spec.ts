/**
 * Containers, Volumes and Build cache against the private engine: each page lists exactly this
 * world's objects with the right chips and compose project; a preview made from a page is
 * `drydock plan --json`'s plan for the same selection; a named volume cannot be deleted without a
 * confirmation that names it; the dashboard's "Clean up…" opens its kind's preview; History
 * shows the kind of every item.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Locator, Page } from '@playwright/test'
import { expect, test } from './support/drydock-server'
import { buildKindsWorld, type KindsWorld } from './support/kinds-world'
import { cliPlan, expectSamePlan } from './support/plans'

const screenshots = join(__dirname, '../../artifacts/screenshots')
mkdirSync(screenshots, { recursive: true })

let world: KindsWorld | undefined

test.beforeAll(async ({ testEngine }) => {
  test.setTimeout(180_000)
  world = await buildKindsWorld(testEngine.docker, 'e2e-kinds')
})

test.afterAll(async () => {
  await world?.remove()
})

function theWorld(): KindsWorld {
  if (!world) throw new Error('the kinds world was not built')
  return world
}

async function openPage(page: Page, url: string, hash: string, title: string): Promise<Locator> {
  await page.goto(`${url}#/${hash}`)
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible()
  const table = page.getByRole('table', { name: title })
  await expect(table).toBeVisible()
  return table
}

function filterBox(page: Page) {
  return page.getByRole('searchbox', { name: /^Filter/ })
}

function row(table: Locator, id: string): Locator {
  return table.locator(`tbody tr[data-item-id="${id}"]`)
}

async function chipsOf(locator: Locator): Promise<string[]> {
  const chips = await locator
    .locator('[data-chip]')
    .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-chip')!))
  return chips.sort()
}

/** The IDs of the rows on screen. */
async function shownIds(table: Locator): Promise<string[]> {
  const ids = await table
    .locator('tbody tr[data-item-id]')
    .evaluateAll((rows) => rows.map((tr) => tr.getAttribute('data-item-id')!))
  return ids.sort()
}

test.describe('the Containers, Volumes and Build cache pages', () => {
  test('Containers lists exactly the world’s containers, their state and their compose project', async ({
    page,
    isolatedDrydock,
  }) => {
    const { prefix, containers, project } = theWorld()
    const problems: string[] = []
    page.on('pageerror', (error) => problems.push(error.message))
    const table = await openPage(page, isolatedDrydock.url, 'containers', 'Containers')
    await expect(page.getByTestId('sizes-note')).toContainText(/Sizes (from|measured|not)/)

    await filterBox(page).fill(prefix)
    await expect(table.locator('tbody tr[data-item-id]')).toHaveCount(3)
    expect(await shownIds(table)).toEqual(
      Object.values(containers)
        .map((c) => c.id)
        .sort(),
    )
    expect(await chipsOf(row(table, containers.web.id))).toEqual(['running'])
    expect(await chipsOf(row(table, containers.job1.id))).toEqual(['stopped'])
    expect(await chipsOf(row(table, containers.job2.id))).toEqual(['stopped'])
    await expect(row(table, containers.web.id)).toContainText(project)
    await expect(row(table, containers.job2.id)).toContainText(project)

    // The compose project groups its containers: filtering by it leaves its two.
    await page.getByLabel('Compose project').selectOption(project)
    await expect(table.locator('tbody tr[data-item-id]')).toHaveCount(2)
    expect(await shownIds(table)).toEqual([containers.web.id, containers.job2.id].sort())
    await page.getByLabel('Compose project').selectOption('')

    // Keyboard: from a row's checkbox, Shift+↓ extends the selection, ↓ moves, Space toggles.
    const boxes = table.locator('tbody input[type="checkbox"]')
    await boxes.nth(0).focus()
    await page.keyboard.press('Shift+ArrowDown')
    await expect(page.getByText('2 containers selected')).toBeVisible()
    await expect(boxes.nth(1)).toBeFocused()
    await page.keyboard.press('ArrowDown')
    await expect(boxes.nth(2)).toBeFocused()
    await page.keyboard.press('Space')
    await expect(page.getByText('3 containers selected')).toBeVisible()
    await page.keyboard.press('Home')
    await expect(boxes.nth(0)).toBeFocused()
    await page.getByRole('button', { name: 'Clear selection' }).click()
    await expect(page.getByText('No container selected')).toBeVisible()

    // The chip filters agree: "Running" shows web alone.
    await page.getByRole('button', { name: /^Running/ }).click()
    expect(await shownIds(table)).toEqual([containers.web.id])
    await page.getByRole('button', { name: /^Running/ }).click()
    await page.screenshot({ path: join(screenshots, 'containers.png') })
    expect(problems).toEqual([])
  })

  test('Volumes lists the named ones in use and unused, the anonymous one, and what mounts them', async ({
    page,
    isolatedDrydock,
  }) => {
    const { prefix, volumes, containers, project } = theWorld()
    const table = await openPage(page, isolatedDrydock.url, 'volumes', 'Volumes')
    await filterBox(page).fill(prefix)
    await expect(table.locator('tbody tr[data-item-id]')).toHaveCount(2)
    expect(await shownIds(table)).toEqual([volumes.data, volumes.spare].sort())
    expect(await chipsOf(row(table, volumes.data))).toEqual(['in-use', 'named'])
    expect(await chipsOf(row(table, volumes.spare))).toEqual(['named', 'unused'])
    await expect(row(table, volumes.data)).toContainText(containers.web.name)
    await expect(row(table, volumes.data)).toContainText(project)
    await expect(row(table, volumes.spare)).toContainText('no container')

    await filterBox(page).fill(volumes.anon)
    await expect(table.locator('tbody tr[data-item-id]')).toHaveCount(1)
    expect(await chipsOf(row(table, volumes.anon))).toEqual(['anonymous', 'unused'])
    // An anonymous volume is shown by its short name.
    await expect(row(table, volumes.anon)).toContainText(volumes.anon.slice(0, 12))
    await filterBox(page).fill(prefix)
    await page.screenshot({ path: join(screenshots, 'volumes.png') })
  })

  test('Build cache lists the world’s records, shared with an image or not', async ({
    page,
    isolatedDrydock,
    testEngine,
  }) => {
    const { buildCache } = theWorld()
    test.skip(buildCache === null, 'no BuildKit client (/usr/bin/docker) here')
    const table = await openPage(page, isolatedDrydock.url, 'build-cache', 'Build cache')
    const df = (await testEngine.docker.df()) as {
      BuildCache: { ID: string; Shared: boolean; InUse: boolean }[]
    }
    for (const id of buildCache!.ids) {
      await filterBox(page).fill(id)
      await expect(row(table, id), id).toHaveCount(1)
      const record = df.BuildCache.find((r) => r.ID === id)!
      const expected = [...(record.InUse ? ['in-use'] : []), ...(record.Shared ? ['shared'] : [])]
      expect(await chipsOf(row(table, id)), id).toEqual(expected.sort())
    }
    await filterBox(page).fill(buildCache!.built.record)
    expect(await chipsOf(row(table, buildCache!.built.record))).toEqual(['shared'])
    await filterBox(page).fill(buildCache!.orphan.record)
    expect(await chipsOf(row(table, buildCache!.orphan.record))).toEqual([])
    await filterBox(page).fill('')
    await page.screenshot({ path: join(screenshots, 'build-cache.png') })
  })
})

test.describe('previews made from the pages', () => {
  test('the containers chosen on Containers are drydock plan’s plan; Force remove stops the running one', async ({
    page,
    isolatedDrydock,
    testEngine,
    workDir,
  }) => {
    const { prefix, containers } = theWorld()
    const table = await openPage(page, isolatedDrydock.url, 'containers', 'Containers')
    await filterBox(page).fill(prefix)
    for (const name of ['job1', 'job2'] as const) {
      await row(table, containers[name].id).getByRole('checkbox').check()
    }
    await expect(page.getByText('2 containers selected')).toBeVisible()
    await page.getByRole('button', { name: 'Remove', exact: true }).click()
    await expect(page).toHaveURL(/#\/cleanup\?containers=[0-9a-f,]+$/)
    const ids = [containers.job1.id, containers.job2.id]
    const plan = await cliPlan(
      testEngine.host,
      workDir,
      ids.flatMap((id) => ['--container', id]),
    )
    await expectSamePlan(page, plan)
    await expect(page.getByTestId('plan-summary')).toHaveAttribute('data-mode', 'safe')
    await expect(page.getByRole('link', { name: 'Back to Containers' })).toBeVisible()

    // Force remove of the running one: forced, and it says the container is stopped first.
    await page.goto(`${isolatedDrydock.url}#/containers`)
    await filterBox(page).fill(prefix)
    await row(table, containers.web.id).getByRole('checkbox').check()
    await expect(page.getByTestId('kind-warnings')).toContainText('running')
    await page.getByRole('button', { name: 'Force remove' }).click()
    await expect(page).toHaveURL(new RegExp(`#/cleanup\\?containers=${containers.web.id}&force=1$`))
    await expect(page.getByTestId('plan-summary')).toHaveAttribute('data-mode', 'forced')
    await expect(page.getByTestId('forced-consequences')).toContainText(
      '1 running container is stopped',
    )
    await expectSamePlan(
      page,
      await cliPlan(testEngine.host, workDir, ['--container', containers.web.id, '--force']),
    )
    await expect(page.getByRole('button', { name: 'Force remove 1 container' })).toBeDisabled()
  })

  test('the volumes chosen on Volumes, with their containers, are drydock plan’s plan', async ({
    page,
    isolatedDrydock,
    testEngine,
    workDir,
  }) => {
    const { prefix, volumes, containers } = theWorld()
    const table = await openPage(page, isolatedDrydock.url, 'volumes', 'Volumes')
    await filterBox(page).fill(prefix)
    for (const name of [volumes.data, volumes.spare]) {
      await row(table, name).getByRole('checkbox').check()
    }
    await expect(page.getByTestId('kind-warnings')).toContainText('named')
    await page.getByRole('button', { name: 'Remove with containers' }).click()
    await expect(page).toHaveURL(/#\/cleanup\?volumes=.+&withContainers=1$/)
    const plan = await cliPlan(testEngine.host, workDir, [
      ...[volumes.data, volumes.spare].flatMap((name) => ['--volume', name]),
      '--with-containers',
    ])
    await expectSamePlan(page, plan)
    expect(plan.items.find((item) => item.id === containers.web.id)?.action).toBe('delete')
  })

  test('the records chosen on Build cache are drydock plan’s plan', async ({
    page,
    isolatedDrydock,
    testEngine,
    workDir,
  }) => {
    const { buildCache } = theWorld()
    test.skip(buildCache === null, 'no BuildKit client (/usr/bin/docker) here')
    const table = await openPage(page, isolatedDrydock.url, 'build-cache', 'Build cache')
    await filterBox(page).fill(buildCache!.orphan.record)
    await row(table, buildCache!.orphan.record).getByRole('checkbox').check()
    await page.getByRole('button', { name: 'Remove', exact: true }).click()
    await expect(page).toHaveURL(
      new RegExp(`#/cleanup\\?cacheRecords=${buildCache!.orphan.record}$`),
    )
    await expectSamePlan(
      page,
      await cliPlan(testEngine.host, workDir, ['--cache-record', buildCache!.orphan.record]),
    )
  })

  test('a plan’s hint plans again with the build cache records that hold its image', async ({
    page,
    isolatedDrydock,
    testEngine,
    workDir,
  }) => {
    const { buildCache } = theWorld()
    test.skip(buildCache === null, 'no BuildKit client (/usr/bin/docker) here')
    await page.goto(`${isolatedDrydock.url}#/cleanup?images=${buildCache!.built.id}`)
    const hint = page.getByTestId('plan-hint')
    await expect(hint).toBeVisible()
    const before = await cliPlan(testEngine.host, workDir, ['--image', buildCache!.built.id])
    expect(before.hints).toHaveLength(1)
    const added = before.hints[0]!.add.cacheRecords
    expect(added).toContain(buildCache!.built.record)
    await expect(hint).toContainText(before.hints[0]!.message)
    await page.screenshot({ path: join(screenshots, 'cleanup-hint.png'), fullPage: true })

    await hint.getByRole('button', { name: /^Add \d+ build cache records? to the plan$/ }).click()
    await expect(page).toHaveURL(/&cacheRecords=.+$/)
    // The button that asked is gone with the old plan: focus starts again at the heading.
    await expect(page.getByRole('heading', { level: 1, name: 'Cleanup' })).toBeFocused()
    const after = await cliPlan(testEngine.host, workDir, [
      '--image',
      buildCache!.built.id,
      ...added.flatMap((id) => ['--cache-record', id]),
    ])
    await expectSamePlan(page, after)
    await expect(page.getByTestId('plan-group-build-cache')).toBeVisible()
    // Back returns to the plan without them.
    await page.goBack()
    await expect(page.getByTestId('plan-group-build-cache')).toHaveCount(0)
  })
})

test.describe('named volumes', () => {
  test('cannot be deleted without a confirmation that names each, with its size, container and project', async ({
    page,
    isolatedDrydock,
    testEngine,
  }) => {
    const { prefix, volumes, containers, project } = theWorld()
    // The volume in use, with its container: the dialog names both, and Cancel changes nothing.
    await page.goto(`${isolatedDrydock.url}#/cleanup?volumes=${volumes.data}&withContainers=1`)
    await page.getByRole('button', { name: /^Remove .*…$/ }).click()
    let dialog = page.getByRole('dialog', { name: 'Delete a named volume?' })
    await expect(dialog).toBeVisible()
    const data = dialog.locator(`tr[data-volume="${volumes.data}"]`)
    await expect(data).toContainText(`${containers.web.name} (running, removed first)`)
    await expect(data).toContainText(project)
    await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused()
    await page.keyboard.press('Escape')
    await expect(dialog).toBeHidden()
    expect((await testEngine.docker.getVolume(volumes.data).inspect()).Name).toBe(volumes.data)

    // The unused one, from the Volumes page.
    const table = await openPage(page, isolatedDrydock.url, 'volumes', 'Volumes')
    await filterBox(page).fill(prefix)
    await row(table, volumes.spare).getByRole('checkbox').check()
    await page.getByRole('button', { name: 'Remove', exact: true }).click()
    await expect(page).toHaveURL(new RegExp(`#/cleanup\\?volumes=${volumes.spare}$`))
    // No one-click "Run cleanup" for a named volume.
    await expect(page.getByRole('button', { name: 'Run cleanup' })).toHaveCount(0)
    await page.getByRole('button', { name: 'Remove 1 volume…' }).click()
    dialog = page.getByRole('dialog', { name: 'Delete a named volume?' })
    const spare = dialog.locator(`tr[data-volume="${volumes.spare}"]`)
    await expect(spare).toContainText(volumes.spare)
    await expect(spare).toContainText('none now: no container mounts it')
    await expect(spare).toContainText('none')
    const size = await spare.locator('td.numeric').getAttribute('title')
    expect(size).toMatch(/bytes/)
    const confirm = dialog.getByRole('button', { name: 'Delete the named volume' })
    await expect(confirm).toBeDisabled()
    const box = dialog.getByRole('textbox', { name: /^Type 1 to confirm/ })
    await box.fill('2')
    await expect(confirm).toBeDisabled()
    await confirm.click({ force: true }).catch(() => undefined)
    await expect(dialog).toBeVisible()
    expect((await testEngine.docker.getVolume(volumes.spare).inspect()).Name).toBe(volumes.spare)
    await box.fill('1')
    await expect(confirm).toBeEnabled()
    await page.screenshot({ path: join(screenshots, 'cleanup-named-volume.png') })
    await confirm.click()

    const result = page.getByTestId('run-result')
    await expect(result).toBeVisible({ timeout: 30_000 })
    await expect(result).toHaveAttribute('data-status', 'done')
    await expect(page.locator(`tr[data-item-id="${volumes.spare}"]`)).toHaveAttribute(
      'data-outcome',
      'deleted',
    )
    await expect(testEngine.docker.getVolume(volumes.spare).inspect()).rejects.toMatchObject({
      statusCode: 404,
    })
    await expect(testEngine.docker.getVolume(volumes.data).inspect()).resolves.toBeTruthy()

    // History names the volume, with its kind.
    await result.getByRole('link', { name: 'Open this run in History' }).click()
    const detail = page.getByTestId('run-detail')
    const item = detail.locator(`tr[data-testid="run-item"][data-kind="volume"]`)
    await expect(item).toHaveCount(1)
    await expect(item).toContainText('volume')
    await expect(item).toContainText(volumes.spare)
    await page.screenshot({ path: join(screenshots, 'history-kinds.png') })
  })
})

test.describe('the dashboard and Settings', () => {
  test('the build cache tile’s “Clean up…” opens the build cache preview', async ({
    page,
    isolatedDrydock,
    testEngine,
    workDir,
  }) => {
    await page.goto(isolatedDrydock.url)
    const link = page.getByTestId('usage-build-cache').getByRole('link', {
      name: 'Clean up… build cache',
    })
    await expect(link).toBeVisible()
    await link.click()
    await expect(page).toHaveURL(/#\/cleanup\?buildCache=1$/)
    await expect(page.getByTestId('request-intro')).toContainText('Build cache no build is using')
    await expectSamePlan(page, await cliPlan(testEngine.host, workDir, ['--build-cache']))
    await page.screenshot({ path: join(screenshots, 'cleanup-build-cache.png'), fullPage: true })
  })

  test('the default policy’s other kinds are chosen in Settings and planned by the service', async ({
    page,
    isolatedDrydock,
  }) => {
    const { containers } = theWorld()
    await page.goto(`${isolatedDrydock.url}#/settings`)
    const kinds = page.getByTestId('settings-policy-kinds')
    await kinds.getByLabel('Stopped containers').check()
    await kinds.getByLabel('Build cache no build is using').check()
    await page.getByRole('button', { name: 'Save' }).click()
    await expect(page.getByTestId('settings-status')).toHaveText('Settings saved.')
    await expect(page.getByTestId('settings-policy-summary')).toContainText(
      'plus stopped containers and unused build cache',
    )
    await page.screenshot({ path: join(screenshots, 'settings-policy-kinds.png'), fullPage: true })
    await page.reload()
    await expect(kinds.getByLabel('Stopped containers')).toBeChecked()
    await expect(kinds.getByLabel('Anonymous volumes no container mounts')).not.toBeChecked()

    // "Clean up safely" now previews the stopped containers too (resolved by the service).
    await page.goto(`${isolatedDrydock.url}#/dashboard`)
    await expect(page.getByTestId('default-policy')).toContainText('plus stopped containers')
    await page.getByRole('link', { name: 'Clean up safely' }).click()
    await expect(page.getByTestId('policy-description')).toContainText('plus stopped containers')
    await expect(page.locator(`tr[data-item-id="${containers.job1.id}"]`)).toHaveAttribute(
      'data-action',
      'delete',
    )
    await expect(page.locator(`tr[data-item-id="${containers.web.id}"]`)).toHaveCount(0)
  })
})
