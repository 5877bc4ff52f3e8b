/**
 * A modal confirmation on the platform's <dialog>: showModal() makes the rest of the page inert
 * (focus stays inside) and Esc cancels. Focus goes back to whatever opened it.
 */
import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react'

export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
  confirmDisabled = false,
  tone = 'primary',
  wide = false,
  testId,
}: {
  open: boolean
  title: string
  children: ReactNode
  confirmLabel: string
  onConfirm: () => void
  onCancel: () => void
  /** Until the body's deliberate act (typing a count) is done. */
  confirmDisabled?: boolean
  /** `danger` for what cannot be undone (named volumes). */
  tone?: 'primary' | 'danger'
  wide?: boolean
  testId?: string
}): ReactNode {
  const ref = useRef<HTMLDialogElement>(null)
  const opener = useRef<Element | null>(null)
  const cancel = useRef<HTMLButtonElement>(null)
  const titleId = useId()
  const bodyId = useId()

  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    if (open && !dialog.open) {
      opener.current = document.activeElement
      dialog.showModal()
      // showModal() focuses the first control, which may be the body's input: start on Cancel.
      cancel.current?.focus()
    } else if (!open && dialog.open) {
      dialog.close()
    }
  }, [open])

  // The page behind is inert; Tab still reaches the browser's own UI after the last button, so
  // wrap around inside the dialog instead.
  function keepFocusInside(event: KeyboardEvent<HTMLDialogElement>): void {
    if (event.key !== 'Tab') return
    const focusable = [
      ...event.currentTarget.querySelectorAll<HTMLElement>('button, input, a[href], [tabindex]'),
    ].filter((element) => !element.hasAttribute('disabled') && element.tabIndex >= 0)
    const first = focusable[0]
    const last = focusable[focusable.length - 1]
    if (!first || !last) return
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault()
      last.focus()
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault()
      first.focus()
    }
  }

  function restoreFocus(): void {
    const target = opener.current
    opener.current = null
    if (target instanceof HTMLElement && target.isConnected) target.focus()
  }

  return (
    <dialog
      ref={ref}
      className={`confirm-dialog${wide ? ' confirm-dialog--wide' : ''}`}
      data-testid={testId}
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onKeyDown={keepFocusInside}
      onClose={() => {
        restoreFocus()
        if (open) onCancel()
      }}
    >
      <h2 id={titleId} className="confirm-dialog__title">
        {title}
      </h2>
      <div id={bodyId} className="confirm-dialog__body">
        {children}
      </div>
      <div className="confirm-dialog__actions">
        {/* The harmless choice has focus first. */}
        <button type="button" className="button" ref={cancel} autoFocus onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className={`button button--${tone}`}
          disabled={confirmDisabled}
          onClick={() => {
            if (!confirmDisabled) onConfirm()
          }}
        >
          {confirmLabel}
        </button>
      </div>
    </dialog>
  )
}
