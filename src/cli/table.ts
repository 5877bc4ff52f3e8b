/** Aligned text tables for the terminal. Cells are engine and log text: each is sanitized. */
import { forTerminal } from '../shared/sanitize'

export interface Column<T> {
  header: string
  value: (row: T) => string
  align?: 'left' | 'right'
  /** Longer values are cut with an ellipsis. */
  max?: number
}

function fit(text: string, max: number | undefined): string {
  return max !== undefined && text.length > max ? `${text.slice(0, max - 1)}…` : text
}

export function renderTable<T>(rows: T[], columns: Column<T>[]): string {
  const cells = rows.map((row) =>
    columns.map((column) => fit(forTerminal(column.value(row)), column.max)),
  )
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...cells.map((row) => row[index]!.length)),
  )
  const line = (values: string[]) =>
    values
      .map((value, index) =>
        columns[index]!.align === 'right'
          ? value.padStart(widths[index]!)
          : value.padEnd(widths[index]!),
      )
      .join('  ')
      .trimEnd()
  return [line(columns.map((column) => column.header)), ...cells.map(line)].join('\n') + '\n'
}

export { shortId } from '../shared/format'
