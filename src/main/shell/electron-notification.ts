/** Native notifications through Electron's Notification, in the shape notifications.ts uses. */
import { Notification } from 'electron'
import type { NotificationFactory, NotificationLike } from './notifications'

const silent: NotificationLike = { show() {}, onClick() {}, onClose() {} }

export function electronNotificationFactory(iconPath?: string): NotificationFactory {
  return (text) => {
    // Some Linux sessions have no notification server; then there is nothing to show.
    if (!Notification.isSupported()) return silent
    const notification = new Notification({
      title: text.title,
      body: text.body,
      ...(iconPath ? { icon: iconPath } : {}),
    })
    return {
      show: () => notification.show(),
      onClick: (listener) => notification.on('click', () => listener()),
      onClose: (listener) => notification.on('close', () => listener()),
    }
  }
}
