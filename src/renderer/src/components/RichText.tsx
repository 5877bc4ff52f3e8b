/** Renders `backticked` parts of a message (commands, paths) as <code>. */
import type { ReactNode } from 'react'

export function RichText({ text }: { text: string }): ReactNode {
  const parts = text.split('`')
  // An odd number of backticks leaves the text unbalanced: show it as written.
  if (parts.length % 2 === 0) return text
  return parts.map((part, index) => (index % 2 === 1 ? <code key={index}>{part}</code> : part))
}
