/**
 * A modal dialog on the native <dialog>: the browser traps focus inside, makes the rest inert and
 * closes it on Escape. On open, focus goes to the dialog's heading (read out first); on close, it
 * returns to whatever had it before.
 */
import { useEffect, useId, useRef, type ReactNode } from 'react'
import { CloseIcon } from './Icons'

export function Dialog({
  title,
  subtitle,
  onClose,
  children,
  footer,
  testId,
  wide = false,
}: {
  title: ReactNode
  subtitle?: ReactNode
  onClose: () => void
  children: ReactNode
  footer?: ReactNode
  testId?: string
  wide?: boolean
}): ReactNode {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()

  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    dialog.showModal()
    document.getElementById(titleId)?.focus()
    return () => {
      dialog.close()
      if (opener?.isConnected) opener.focus()
    }
  }, [titleId])

  return (
    <dialog
      ref={ref}
      className={`dialog ${wide ? 'dialog--wide' : ''}`}
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(event) => {
        // Escape: let React own the open state instead of the browser closing it behind our back.
        event.preventDefault()
        onClose()
      }}
      onClick={(event) => {
        // A click on the backdrop (the dialog element itself, outside its content) closes it.
        if (event.target === ref.current) onClose()
      }}
    >
      <div className="dialog__content">
        <header className="dialog__header">
          <div>
            <h2 className="dialog__title" id={titleId} tabIndex={-1}>
              {title}
            </h2>
            {subtitle ? <p className="dialog__subtitle">{subtitle}</p> : null}
          </div>
          <button type="button" className="icon-button" onClick={onClose} aria-label="Close">
            <CloseIcon size={18} />
          </button>
        </header>
        <div className="dialog__body">{children}</div>
        {footer ? <footer className="dialog__footer">{footer}</footer> : null}
      </div>
    </dialog>
  )
}
