/**
 * Settings in browser mode, against a log of the test's own: validation messages next to the
 * fields they concern, and a saved change that survives a reload.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from './support/drydock-server'

const screenshots = join(__dirname, '../../artifacts/screenshots')
mkdirSync(screenshots, { recursive: true })

test.describe('settings', () => {
  test('says what is wrong next to each field, and focuses the first', async ({
    page,
    isolatedDrydock,
  }) => {
    await page.goto(`${isolatedDrydock.url}#/settings`)
    const freeSize = page.getByLabel('Free space below (size)')
    await expect(freeSize).toHaveValue('5 GB')

    await page.getByLabel('Free space below (%)').fill('150')
    await freeSize.fill('lots')
    await page.getByLabel('Sampling interval (minutes)').fill('0')
    await page.getByLabel('Protected labels').fill('not a label')
    await page.getByLabel('Protected labels').press('Enter')
    await page.getByRole('button', { name: 'Save' }).click()

    await expect(page.getByTestId('settings-status')).toContainText('need fixing')
    // The schema's own messages (SettingsPatchSchema), and the size parser's.
    await expect(page.getByTestId('settings-freeBelowPercent-error')).toContainText('100')
    await expect(page.getByTestId('settings-freeBelowSize-error')).toContainText(
      'Enter a size such as 5 GB',
    )
    await expect(page.getByTestId('settings-samplingIntervalMinutes-error')).toContainText('1')
    await expect(page.getByTestId('protected-labels')).toContainText(
      '“not a label”: expected KEY or KEY=VALUE',
    )
    await expect(page.getByLabel('Free space below (%)')).toBeFocused()
    await expect(page.getByLabel('Free space below (%)')).toHaveAttribute('aria-invalid', 'true')

    // A unit-less size is asked about rather than guessed.
    await freeSize.fill('5')
    await page.getByRole('button', { name: 'Save' }).click()
    await expect(page.getByTestId('settings-freeBelowSize-error')).toContainText('Add a unit')

    // Revert puts back what is saved and clears the messages.
    await page.getByRole('button', { name: 'Revert' }).click()
    await expect(freeSize).toHaveValue('5 GB')
    await expect(page.getByTestId('settings-freeBelowSize-error')).toHaveCount(0)
  })

  test('a saved setting persists across a reload', async ({ page, isolatedDrydock }) => {
    await page.goto(`${isolatedDrydock.url}#/settings`)
    await page.getByLabel('Free space below (size)').fill('2.5 GB')
    await page.getByLabel('Free space below (%)').fill('')
    await page.getByLabel('Sampling interval (minutes)').fill('30')
    await page.getByLabel('Protected patterns').fill('postgres:*')
    await page.getByRole('button', { name: 'Add' }).first().click()
    await page.getByLabel('Keep the newest tags of each repository').check()
    await page.getByLabel('Tags to keep').fill('5')
    await page.getByLabel('Start hidden in the tray').check()
    await page.getByRole('button', { name: 'Save' }).click()
    await expect(page.getByTestId('settings-status')).toHaveText('Settings saved.')
    await page.screenshot({ path: join(screenshots, 'settings.png'), fullPage: true })

    await page.reload()
    await expect(page.getByLabel('Free space below (size)')).toHaveValue('2.5 GB')
    await expect(page.getByLabel('Free space below (%)')).toHaveValue('')
    await expect(page.getByLabel('Sampling interval (minutes)')).toHaveValue('30')
    await expect(page.getByTestId('protected-patterns').getByRole('listitem')).toHaveText([
      'postgres:*',
    ])
    await expect(page.getByLabel('Keep the newest tags of each repository')).toBeChecked()
    await expect(page.getByLabel('Tags to keep')).toHaveValue('5')
    await expect(page.getByLabel('Start hidden in the tray')).toBeChecked()
    await expect(page.getByTestId('settings-policy-summary')).toContainText(
      'Keep the 5 newest tags of each repository',
    )
    // The app facts stay on the page.
    await expect(page.getByTestId('app-transport')).toHaveAttribute('data-transport', 'http')

    // The dashboard's one-click cleanup follows the saved policy.
    await page.getByRole('navigation').getByRole('link', { name: 'Dashboard' }).click()
    await expect(page.getByTestId('default-policy')).toContainText(
      'Keep the 5 newest tags of each repository',
    )
  })
})
