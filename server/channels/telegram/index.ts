/** The Telegram bot channel (issue 8 §2): webhook in, Bot API out, connection. */
export { telegramBotAdapter } from './adapter.ts'
export { apiBaseOf, DEFAULT_API_BASE } from './botapi.ts'
export {
  type ConnectedTelegramBot,
  type ConnectTelegramBot,
  connectTelegramBot,
  disconnectTelegramBot,
} from './connect.ts'
export { connectDemoTelegramBot } from './demo.ts'
export { telegramRoutes } from './http.ts'
