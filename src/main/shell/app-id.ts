/** The application id: electron-builder's appId, and the AppUserModelID Windows needs to show
 * notifications (packaging.test.ts checks the two agree). */
export const APP_ID = 'dev.drydock.app'
