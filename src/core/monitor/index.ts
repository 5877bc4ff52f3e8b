/** The disk monitor: thresholds, hysteresis, snooze; alerts kept in the log. */
export {
  DiskMonitor,
  MemoryAlertStore,
  type AlertStore,
  type DiskMonitorOptions,
  type Observation,
  type ObserveResult,
} from './disk-monitor'
export { alertMessage, recoveryMessage } from './messages'
export { SNOOZE_MORNING_HOUR, snoozeOneHour, snoozeUntilTomorrow } from './snooze'
export {
  check,
  checkDockerUsage,
  checkFreeSpace,
  defaultRearmMargin,
  dockerBytesOf,
  type CheckResult,
} from './thresholds'
